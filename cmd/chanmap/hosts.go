package main

import (
	"net"
)

// allowedHosts are the Host names a server without tokens answers to
// besides loopback ones: the --allowed-host names, and the --addr host when
// it names one address (0.0.0.0 or :: names none).
func allowedHosts(addr string, given []string) []string {
	out := append([]string(nil), given...)
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return out
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return out
	}
	return append(out, host)
}
