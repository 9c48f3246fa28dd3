package rating

// Colour is the colour of the DX Rating plate.
type Colour string

// Plate colours, lowest first.
const (
	White    Colour = "white"
	Blue     Colour = "blue"
	Green    Colour = "green"
	Yellow   Colour = "yellow"
	Red      Colour = "red"
	Purple   Colour = "purple"
	Bronze   Colour = "bronze"
	Silver   Colour = "silver"
	Gold     Colour = "gold"
	Platinum Colour = "platinum"
	Rainbow  Colour = "rainbow"
)

// Band is one colour band of the DX Rating plate: ratings from Min up, to
// the next band's Min.
type Band struct {
	Min    int
	Colour Colour
	// Image is the number of the game's UI_CMN_DXRating_NN image for the
	// band, as YURI draws it; 0 when not known.
	Image int
}

// bandsB50 is the current band table (rating-rules.md §7: TACHI, YURI,
// LX). YURI's hint of a 16000 tier under CiRCLE is unverified and left
// out.
var bandsB50 = []Band{
	{0, White, 1}, {1000, Blue, 2}, {2000, Green, 3}, {4000, Yellow, 4},
	{7000, Red, 5}, {10000, Purple, 6}, {12000, Bronze, 7}, {13000, Silver, 8},
	{14000, Gold, 9}, {14500, Platinum, 10}, {15000, Rainbow, 11},
}

// bandsB40 is the band table before B50 (YURI c2051a20). The source gives
// image numbers only; the colours are those of the same images in the
// current table. The source covers the B40 era; we use it for the older
// SD/DX era too, as no other table is known.
var bandsB40 = []Band{
	{0, White, 1}, {1000, Blue, 2}, {2000, Green, 3}, {3000, Yellow, 4},
	{4000, Red, 5}, {5000, Purple, 6}, {6000, Bronze, 7}, {7000, Silver, 8},
	{8000, Gold, 9}, {8500, Rainbow, 0}, // the source names no image for rainbow
}

// Band is the colour band of a player rating under these rules.
func (r Rules) Band(rating int) Band {
	bands := r.bands
	if len(bands) == 0 {
		return Band{}
	}
	for i := len(bands) - 1; i > 0; i-- {
		if rating >= bands[i].Min {
			return bands[i]
		}
	}
	return bands[0]
}

// Bands lists the rules' colour bands, lowest first.
func (r Rules) Bands() []Band { return append([]Band(nil), r.bands...) }
