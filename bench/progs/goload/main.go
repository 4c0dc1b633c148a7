// goload N: 8 goroutines, each doing N rounds of: read an ordinary file,
// read /proc/sys/kernel/panic, and some hashing. Static (CGO_ENABLED=0).
// Exits 1 if any read failed, saying why once.
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
)

func main() {
	n := 1000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	var failed int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			buf := make([]byte, 4096)
			sum := sha256.Sum256([]byte{byte(g)})
			for i := 0; i < n; i++ {
				for _, p := range []string{"/etc/passwd", "/proc/sys/kernel/panic"} {
					b, err := os.ReadFile(p)
					if err != nil {
						atomic.AddInt64(&failed, 1)
						firstErr.CompareAndSwap(nil, err)
						continue
					}
					copy(buf, b)
				}
				for k := 0; k < 20; k++ { // computation between the syscalls
					sum = sha256.Sum256(append(buf[:256], sum[:]...))
				}
			}
			_ = sum
		}(g)
	}
	wg.Wait()
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "goload: %d of %d reads failed: %v\n", failed, 16*n, firstErr.Load())
		os.Exit(1)
	}
}
