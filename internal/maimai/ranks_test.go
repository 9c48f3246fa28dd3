package maimai

import "testing"

func TestRankName(t *testing.T) {
	for _, tc := range []struct {
		file string
		name string
		kind RankKind
		ok   bool
	}{
		// The pictures on the shared real pages.
		{"course_rank_00T7GHJvGe.png", "初心者", CourseRankKind, true},
		{"course_rank_10hvsSHd90.png", "十段", CourseRankKind, true},
		{"course_rank_13KOI1uBwE.png", "真二段", CourseRankKind, true},
		{"class_rank_s_00ZqZmdpb8.png", "B5", ClassRankKind, true},
		{"class_rank_s_01VFe8gl5z.png", "B4", ClassRankKind, true},
		{"class_rank_s_06IjZSkULI.png", "A4", ClassRankKind, true},
		{"class_rank_s_10FODgtQo4.png", "S5", ClassRankKind, true},
		{"class_rank_l_10FODgtQo4.png", "S5", ClassRankKind, true},
		{"grade_04u9HDshZA.png", "修行中", GradeKind, true},
		// The ends of the tables.
		{"course_rank_22x.png", "真皆伝", CourseRankKind, true},
		{"course_rank_23x.png", "裏皆伝", CourseRankKind, true},
		{"class_rank_s_25x.png", "LEGEND", ClassRankKind, true},
		{"grade_25x.png", "拾皆伝", GradeKind, true},
		// Numbers the tables do not know keep their code.
		{"course_rank_11x.png", "", CourseRankKind, false},
		{"course_rank_24x.png", "", CourseRankKind, false},
		{"class_rank_s_26x.png", "", ClassRankKind, false},
		{"grade_00x.png", "", GradeKind, false},
		{"grade_26x.png", "", GradeKind, false},
		// Not rank pictures.
		{"rating_base_gold.png", "", "", false},
		{"", "", "", false},
		{"course_rank_x.png", "", "", false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			name, kind, ok := RankName(tc.file)
			if name != tc.name || kind != tc.kind || ok != tc.ok {
				t.Errorf("RankName(%q) = %q, %q, %v; want %q, %q, %v", tc.file, name, kind, ok, tc.name, tc.kind, tc.ok)
			}
		})
	}
}
