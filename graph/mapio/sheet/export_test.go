package sheet

// Test helpers the external round-trip tests share.
var (
	RichMap       = richMap
	Cells         = cells
	FirstLineDiff = firstLineDiff
	BigTables     = bigTables
)

// Dir holds the hand-written test tables.
const Dir = dir
