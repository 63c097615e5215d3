package graph_test

import (
	"bytes"
	"testing"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
)

func mustRead(t testing.TB, data []byte, name string) *graph.Map {
	t.Helper()
	m, err := mapio.Read(data, name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func writeYAML(t testing.TB, m *graph.Map) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := mapio.WriteYAML(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
