package tide_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"
)

// In the README's guarantees block, a numbered item is a guarantee, and a
// link such as [TestA, TestB](file_test.go) names the tests that prove it.
var (
	guaranteeItem = regexp.MustCompile(`(?m)^\d+\. `)
	guaranteeLink = regexp.MustCompile(`\[([^\]]+)\]\(([^)]+_test\.go)\)`)
)

func TestReadmeGuaranteesNameExistingTests(t *testing.T) {
	// Every guarantee of the README names tests, each declared in the file
	// its link points to.
	t.Run("guarantees name declared tests", func(t *testing.T) {
		readme, err := os.ReadFile("README.md")
		require.NoError(t, err)
		_, block, _ := strings.Cut(string(readme), "<!-- guarantees:begin -->")
		block, _, ok := strings.Cut(block, "<!-- guarantees:end -->")
		require.True(t, ok, "the README has no guarantees block")
		items := guaranteeItem.Split(block, -1)[1:]
		require.NotEmpty(t, items, "no numbered guarantee")
		for i, item := range items {
			links := guaranteeLink.FindAllStringSubmatch(item, -1)
			require.NotEmpty(t, links, "guarantee %d names no test", i+1)
			for _, link := range links {
				f, err := parser.ParseFile(token.NewFileSet(), link[2], nil, parser.SkipObjectResolution)
				require.NoError(t, err, "guarantee %d links to %s", i+1, link[2])
				declared := map[string]bool{}
				for _, d := range f.Decls {
					if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
						declared[fd.Name.Name] = true
					}
				}
				for name := range strings.SplitSeq(link[1], ",") {
					name = strings.TrimSpace(name)
					assert.Regexp(t, `^(Test|Fuzz)[A-Z]`, name, "guarantee %d", i+1)
					assert.True(t, declared[name], "guarantee %d names %s, which %s does not declare", i+1, name, link[2])
				}
			}
		}
	})
}
