package mapio_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/chanmap/chanmap/graph/mapio"
)

func TestDecodeValue(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     any
		err      string
	}{
		{"yaml mapping", "id: x\nn: 2.5\nok: true\nnone: null\nlist: [a, 1]\n",
			map[string]any{"id": "x", "n": 2.5, "ok": true, "none": nil, "list": []any{"a", 1.0}}, ""},
		{"json", `{"id": "x", "nodes": [{"id": "a"}]}`,
			map[string]any{"id": "x", "nodes": []any{map[string]any{"id": "a"}}}, ""},
		{"alias", "a: &s hello\nb: *s\n", map[string]any{"a": "hello", "b": "hello"}, ""},
		{"empty", "  \n", nil, ""},
		{"alias bomb", "a: &s \"" + strings.Repeat("x", 1<<20) + "\"\nb: [" + strings.Repeat("*s, ", 9) + "*s]\n", nil, "MaxExpandedBytes"},
		{"binary", "id: \x00", nil, "not UTF-8"},
		{"bad yaml", "a: [1, 2\n", nil, "not valid YAML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := mapio.DecodeValue([]byte(tc.in), "body")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}
