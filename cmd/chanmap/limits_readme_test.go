package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chanmap/chanmap/api"
	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio/sheet"
)

// The README's limits table says what the constants are: each row names a
// constant and its value, so the two cannot drift apart.
func TestReadmeLimitsTableMatchesConstants(t *testing.T) {
	mib := func(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }
	count := func(n int, unit string) string { return grouped(n) + " " + unit }
	secs := func(d time.Duration) string { return fmt.Sprintf("%d s", int(d.Seconds())) }
	want := map[string]string{
		"graph.MaxFileSize":          mib(graph.MaxFileSize),
		"graph.MaxYAMLSize":          mib(graph.MaxYAMLSize),
		"graph.MaxExpandedBytes":     mib(graph.MaxExpandedBytes),
		"graph.MaxIDLen":             count(graph.MaxIDLen, "bytes"),
		"graph.MaxEdgeKeyLen":        count(graph.MaxEdgeKeyLen, "bytes"),
		"graph.MaxNameLen":           count(graph.MaxNameLen, "bytes"),
		"graph.MaxTextLen":           count(graph.MaxTextLen, "bytes"),
		"graph.MaxListItems":         count(graph.MaxListItems, "items"),
		"graph.MaxFigure":            strings.Replace(fmt.Sprintf("%g", float64(graph.MaxFigure)), "e+", "e", 1),
		"graph.MaxSheetBytes":        mib(graph.MaxSheetBytes),
		"graph.MaxSheetRows":         count(graph.MaxSheetRows, "rows"),
		"graph.MaxSheetCells":        count(graph.MaxSheetCells, "cells"),
		"api.DefaultBodyLimit":       mib(api.DefaultBodyLimit),
		"graph.MaxBodyTime":          secs(graph.MaxBodyTime),
		"api.DefaultRenderTimeout":   secs(api.DefaultRenderTimeout),
		"api.DefaultStoreTimeout":    secs(api.DefaultStoreTimeout),
		"api.WriteWindow":            secs(api.WriteWindow),
		"graph.MaxRequestIDLen":      count(graph.MaxRequestIDLen, "characters"),
		"api.AnalyzeOneAtATimeAbove": count(api.AnalyzeOneAtATimeAbove, "nodes"),
	}
	if sheet.MaxUnzipSize != graph.MaxSheetBytes {
		t.Errorf("sheet.MaxUnzipSize %d is not graph.MaxSheetBytes %d", sheet.MaxUnzipSize, graph.MaxSheetBytes)
	}
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Limits\n")
	if !ok {
		t.Fatal("the README has no Limits section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	got := map[string]string{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(strings.Trim(line, "| "), "|")
		if len(cells) != 3 || !strings.HasPrefix(strings.TrimSpace(cells[2]), "`") {
			continue
		}
		name := strings.Trim(strings.TrimSpace(cells[2]), "`")
		got[name] = strings.TrimSpace(cells[1])
	}
	for name, w := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("the README's limits table has no row for %s (%s)", name, w)
		} else if g != w {
			t.Errorf("the README says %s is %q; the constant is %q", name, g, w)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("the README's limits table names %s, which this test does not know", name)
		}
	}
}

// grouped writes n with thousands separators: 200,000.
func grouped(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
