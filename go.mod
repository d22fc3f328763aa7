module github.com/tidego/tide

go 1.25.0
