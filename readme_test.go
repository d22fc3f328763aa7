package tide_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// In the README's guarantees block, a numbered item is a guarantee, and a
// link such as [TestA, TestB](file_test.go) names the tests that prove it.
var (
	guaranteeItem = regexp.MustCompile(`(?m)^\d+\. `)
	guaranteeLink = regexp.MustCompile(`\[([^\]]+)\]\(([^)]+_test\.go)\)`)
)

func TestReadmeGuaranteesNameExistingTests(t *testing.T) {
	t.Run("every guarantee of the README names tests, each declared in the file its link points to", func(t *testing.T) {
		readme, err := os.ReadFile("README.md")
		require.NoError(t, err)
		_, block, ok := strings.Cut(string(readme), "<!-- guarantees:begin -->")
		require.True(t, ok, "the README has no guarantees block")
		block, _, ok = strings.Cut(block, "<!-- guarantees:end -->")
		require.True(t, ok, "the guarantees block is not closed")

		items := guaranteeItem.Split(block, -1)[1:]
		require.NotEmpty(t, items, "no numbered guarantee")
		declared := map[string]map[string]bool{} // file → its top-level funcs
		for i, item := range items {
			links := guaranteeLink.FindAllStringSubmatch(item, -1)
			require.NotEmpty(t, links, "guarantee %d names no test", i+1)
			for _, link := range links {
				file := link[2]
				if declared[file] == nil {
					declared[file] = topLevelFuncs(t, file)
				}
				for name := range strings.SplitSeq(link[1], ",") {
					name = strings.TrimSpace(name)
					assert.Regexp(t, `^(Test|Fuzz)[A-Z]`, name, "guarantee %d", i+1)
					assert.True(t, declared[file][name], "guarantee %d names %s, which %s does not declare", i+1, name, file)
				}
			}
		}
	})
}

// topLevelFuncs parses file and returns the names of its functions.
func topLevelFuncs(t *testing.T, file string) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	require.NoError(t, err, "a guarantee links to %s", file)
	funcs := map[string]bool{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
			funcs[fd.Name.Name] = true
		}
	}
	return funcs
}
