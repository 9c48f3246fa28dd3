package storage

import (
	"strings"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// distinctCharts drops repeated charts, keeping the first of each in order.
func distinctCharts(charts []maimai.Chart) []maimai.Chart {
	seen := make(map[maimai.Chart]bool, len(charts))
	var out []maimai.Chart
	for _, c := range charts {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// chartBatchSize keeps a query of chart conditions within every
// database's limit on placeholders.
const chartBatchSize = 200

// chartBatches calls fn for each batch of charts with the condition
// "(title = ? AND chart_type = ? AND difficulty = ?) OR …" and its
// arguments; col prefixes the column names ("p." for an aliased table).
func chartBatches(charts []maimai.Chart, col string, fn func(cond string, args []any) error) error {
	one := "(" + col + "title = ? AND " + col + "chart_type = ? AND " + col + "difficulty = ?)"
	for len(charts) > 0 {
		n := min(chartBatchSize, len(charts))
		var cond strings.Builder
		args := make([]any, 0, 3*n)
		for i, c := range charts[:n] {
			if i > 0 {
				cond.WriteString(" OR ")
			}
			cond.WriteString(one)
			args = append(args, c.Title, string(c.Type), string(c.Difficulty))
		}
		if err := fn(cond.String(), args); err != nil {
			return err
		}
		charts = charts[n:]
	}
	return nil
}
