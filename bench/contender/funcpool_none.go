//go:build !tidefuncpool

package contender

// funcPools returns the typed func-pool contenders, which need tide's
// FuncPool: build with -tags tidefuncpool once it exists (see funcpool.go).
func funcPools() []Contender { return nil }
