module github.com/tidego/tide/internal/e2e

go 1.25.0

// The tests that use testify, goleak and benbjohnson/clock live in this
// nested module, so that the root module's tests import only the standard
// library and `go get github.com/tidego/tide` adds one line to a user's
// go.mod. Users never download this module.
replace github.com/tidego/tide => ../..

require (
	github.com/benbjohnson/clock v1.3.5
	github.com/stretchr/testify v1.12.1
	github.com/tidego/tide v0.1.0
	go.uber.org/goleak v1.3.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
