// Package mapio is the bytes of a map: it reads map files (YAML, or JSON of
// the same shape) with every problem located by file, line and column,
// writes them in a stable order, and encodes and decodes a map in every
// format chanmap knows (yaml, json, csv, xlsx) through one Encode and one
// Decode, with the spreadsheet formats in the sub-package sheet.
package mapio
