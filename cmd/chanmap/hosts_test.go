package main

import (
	"slices"
	"testing"
)

func TestAllowedHosts(t *testing.T) {
	for _, tc := range []struct {
		addr  string
		given []string
		want  []string
	}{
		{"127.0.0.1:8080", nil, []string{"127.0.0.1"}},
		{"0.0.0.0:8080", []string{"maps.example.com"}, []string{"maps.example.com"}},
		{"[::]:8080", nil, nil},
		{":8080", []string{"a", "b:81"}, []string{"a", "b:81"}},
		{"10.1.2.3:80", []string{"maps"}, []string{"maps", "10.1.2.3"}},
	} {
		if got := allowedHosts(tc.addr, tc.given); !slices.Equal(got, tc.want) {
			t.Errorf("allowedHosts(%q, %v) = %v, want %v", tc.addr, tc.given, got, tc.want)
		}
	}
}
