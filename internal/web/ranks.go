package web

import (
	"fmt"
	"net/http"

	"github.com/maiprobe/maiprobe/internal/maimai"
)

// rankLabel is the name of a course, class or grade picture in the page's
// language (真三段, Shin 3rd Dan, SS2) from maimai.RankName, or its code
// ("11", "S 26") when the tables do not know the number.
func rankLabel(r *http.Request, file string) string {
	if file == "" {
		return ""
	}
	name, kind, ok := maimai.RankName(file)
	if !ok {
		switch kind {
		case maimai.CourseRankKind:
			return rankCode(file, "course_rank_")
		case maimai.ClassRankKind:
			return rankCode(file, "class_rank_")
		case maimai.GradeKind:
			return rankCode(file, "grade_")
		}
		return file
	}
	if kind == maimai.ClassRankKind {
		return name // B5 … LEGEND read the same in every language
	}
	_, n, _ := maimai.RankPicture(file)
	return text(r, fmt.Sprintf("rank.%s.%02d", kind, n))
}
