package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// runReaddir lists DIR and everything under it with os.ReadDir (getdents64), one path per
// line, sorted, DIR itself first (as `find DIR` does). Symlinks are listed, not followed.
func runReaddir(dir string) {
	var paths []string
	var walk func(string)
	walk = func(d string) {
		ents, err := os.ReadDir(d)
		if err != nil {
			fail("readdir", "%v", err)
			return
		}
		for _, e := range ents {
			p := filepath.Join(d, e.Name())
			paths = append(paths, p)
			if e.IsDir() {
				walk(p)
			}
		}
	}
	walk(dir)
	sort.Strings(paths)
	fmt.Println(dir)
	for _, p := range paths {
		fmt.Println(p)
	}
}
