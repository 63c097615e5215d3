package graph

import "strings"

// Article puts "a" or "an" before a kind or word as it is spoken: "an
// integrator", "a segment", "a service_provider".
func Article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}

// KindPhrase is a node kind with its article, in words: "an integrator",
// "a service provider".
func KindPhrase(k NodeKind) string { return Article(strings.ReplaceAll(string(k), "_", " ")) }

// verbs say what each edge kind does, for "a segment cannot supply a
// company".
var verbs = map[EdgeKind]string{
	EdgeSupplies: "supply", EdgeSupports: "support", EdgeOperates: "operate",
	EdgeUses: "use", EdgeBelongsTo: "belong to", EdgePartnersWith: "partner with",
}

// PairingError is the sentence for an edge kind that cannot join two node
// kinds: "a segment cannot supply a company".
func PairingError(k EdgeKind, from, to NodeKind) string {
	return KindPhrase(from) + " cannot " + verbs[k] + " " + KindPhrase(to)
}
