//go:build !unix

package web

import "time"

// cpuTime is not measured here; the benchmarks' cpu-ms/op shows 0.
func cpuTime() time.Duration { return 0 }
