package maimai

import (
	"regexp"
	"strconv"
)

// The site shows a player's course rank (段位), class rank (阶级) and, on
// older pages, grade as images whose file names carry a two-digit number:
// course_rank_12AbCdEfGh.png, class_rank_s_10FODgtQo4.png (s and l are the
// small and large picture of one class), grade_04u9HDshZA.png. The tables
// below say which rank each number stands for; their source is the
// otohime-site probers (docs/ranks.md).

// RankKind is which of the three rank pictures a file is.
type RankKind string

// The rank pictures.
const (
	CourseRankKind RankKind = "course" // course_rank_NN: 段位, from 段位認定 courses
	ClassRankKind  RankKind = "class"  // class_rank_[sl]_NN: 阶级, from 段位戦 (class battles)
	GradeKind      RankKind = "grade"  // grade_NN: the grade older pages showed
)

var rankFile = regexp.MustCompile(`^(course_rank|class_rank_[a-z]|grade)_(\d\d)`)

// RankPicture reads a rank picture's file name: its kind and number. ok is
// false for a name in another shape.
func RankPicture(file string) (kind RankKind, n int, ok bool) {
	m := rankFile.FindStringSubmatch(file)
	if m == nil {
		return "", 0, false
	}
	n, _ = strconv.Atoi(m[2])
	switch m[1] {
	case "course_rank":
		return CourseRankKind, n, true
	case "grade":
		return GradeKind, n, true
	}
	return ClassRankKind, n, true
}

// courseRanks are the course ranks by image number; 11 is no rank (the
// site skips it between 十段 and 真初段).
var courseRanks = map[int]string{
	0: "初心者", 1: "初段", 2: "二段", 3: "三段", 4: "四段", 5: "五段", 6: "六段", 7: "七段", 8: "八段", 9: "九段", 10: "十段",
	12: "真初段", 13: "真二段", 14: "真三段", 15: "真四段", 16: "真五段", 17: "真六段", 18: "真七段", 19: "真八段", 20: "真九段",
	21: "真十段", 22: "真皆伝", 23: "裏皆伝",
}

// classRanks are the class ranks by image number, lowest first.
var classRanks = []string{
	"B5", "B4", "B3", "B2", "B1", "A5", "A4", "A3", "A2", "A1", "S5", "S4", "S3", "S2", "S1",
	"SS5", "SS4", "SS3", "SS2", "SS1", "SSS5", "SSS4", "SSS3", "SSS2", "SSS1", "LEGEND",
}

// grades are the grades of older pages by image number (1 to 25).
var grades = []string{
	"", "初心者", "見習い", "駆け出し", "修行中", "初段", "二段", "三段", "四段", "五段", "六段", "七段", "八段", "九段", "十段",
	"皆伝", "壱皆伝", "弐皆伝", "参皆伝", "肆皆伝", "伍皆伝", "陸皆伝", "漆皆伝", "捌皆伝", "玖皆伝", "拾皆伝",
}

// RankName is the game's (Japanese) name of a rank picture: 真三段, SS2,
// 修行中. ok is false when the file is not a rank picture or its number
// is not in the tables (a rank added after them): show the file then.
func RankName(file string) (name string, kind RankKind, ok bool) {
	kind, n, ok := RankPicture(file)
	if !ok {
		return "", "", false
	}
	switch kind {
	case CourseRankKind:
		name = courseRanks[n]
	case ClassRankKind:
		if n < len(classRanks) {
			name = classRanks[n]
		}
	case GradeKind:
		if n < len(grades) {
			name = grades[n]
		}
	}
	return name, kind, name != ""
}
