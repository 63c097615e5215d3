// Command csv writes a generated map (graph/gen) as the node and
// relationship CSV files of `neo4j-admin database import full`, with the
// labels, relationship types and properties chanmap's Neo4j store gives
// them (README, Neo4j schema), for .ci/neo4j/admin-import: the physical
// reference an online import is compared with. Not part of chanmap.
//
//	go run ./.ci/neo4j/csv -n 100000 -o DIR   # DIR/nodes-KIND.csv, DIR/rels-TYPE.csv, DIR/args
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/gen"
)

func main() {
	n := flag.Int("n", 100_000, "nodes of the generated map")
	seed := flag.Int64("seed", 7, "generator seed (the benchmarks' is 7)")
	out := flag.String("o", "", "directory to write the CSV files into")
	flag.Parse()
	if *out == "" {
		log.Fatal("csv: give -o DIR")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	m := gen.Generate(*n, *seed)
	var args []string
	byKind := map[graph.NodeKind][]int{}
	for i, nd := range m.Nodes {
		byKind[nd.Kind] = append(byKind[nd.Kind], i)
	}
	for _, k := range graph.NodeKinds {
		if len(byKind[k]) == 0 {
			continue
		}
		label := neo4jName(string(k), false)
		rows := make([]map[string]any, 0, len(byKind[k]))
		for _, i := range byKind[k] {
			p := map[string]any{"map": m.ID, "ord": int64(i)}
			props(graph.Fields().Node, m.Nodes[i], p)
			rows = append(rows, p)
		}
		path := filepath.Join(*out, "nodes-"+label+".csv")
		write(path, "id:ID", "id", rows)
		args = append(args, "--nodes=ChannelNode:"+label+"="+path)
	}
	byType := map[graph.EdgeKind][]int{}
	for i, e := range m.Edges {
		byType[e.Kind] = append(byType[e.Kind], i)
	}
	for _, k := range graph.EdgeKinds {
		if len(byType[k]) == 0 {
			continue
		}
		t := neo4jName(string(k), true)
		path := filepath.Join(*out, "rels-"+t+".csv")
		f, err := os.Create(path)
		if err != nil {
			log.Fatal(err)
		}
		w := csv.NewWriter(f)
		w.Write([]string{":START_ID", ":END_ID", "map", "id", "ord:long"})
		for _, i := range byType[k] {
			e := m.Edges[i]
			w.Write([]string{e.From, e.To, m.ID, e.Key(), strconv.Itoa(i)})
		}
		w.Flush()
		if err := w.Error(); err != nil {
			log.Fatal(err)
		}
		f.Close()
		args = append(args, "--relationships="+t+"="+path)
	}
	if err := os.WriteFile(filepath.Join(*out, "args"), []byte(strings.Join(args, "\n")+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d nodes, %d relationships\n", len(m.Nodes), len(m.Edges))
}

// neo4jName is a kind as a label (service_provider: ServiceProvider) or a
// relationship type (belongs_to: BELONGS_TO).
func neo4jName(kind string, rel bool) string {
	if rel {
		return strings.ToUpper(kind)
	}
	var b strings.Builder
	for _, w := range strings.Split(kind, "_") {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// props sets the properties of x's fields that have a value, as the store
// does: numbers as they are, lists as lists, score maps flattened.
func props[T any](fs []graph.Field[T], x *T, p map[string]any) {
	for _, f := range fs {
		v := f.Get(x)
		if graph.IsEmpty(v) && !f.Required {
			continue
		}
		switch val := v.(type) {
		case *float64:
			if f.Type == graph.TypeWhole {
				p[f.Name] = int64(*val)
			} else {
				p[f.Name] = *val
			}
		case map[string]float64:
			for k, n := range val {
				p[f.Name+"_"+k] = n
			}
		default:
			p[f.Name] = v
		}
	}
}

// write writes rows as one CSV file whose header has every property of
// any row, typed for the importer; idCol is the column that is the :ID.
func write(path, idHeader, idCol string, rows []map[string]any) {
	types := map[string]string{}
	for _, r := range rows {
		for k, v := range r {
			switch v.(type) {
			case int64:
				types[k] = ":long"
			case float64:
				if types[k] != ":double" {
					types[k] = ":double"
				}
			case []string:
				types[k] = ":string[]"
			default:
				types[k] = ""
			}
		}
	}
	cols := []string{idCol}
	for k := range types {
		if k != idCol {
			cols = append(cols, k)
		}
	}
	slices.Sort(cols[1:])
	header := []string{idHeader}
	for _, c := range cols[1:] {
		header = append(header, c+types[c])
	}
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	w.Write(header)
	rec := make([]string, len(cols))
	for _, r := range rows {
		for i, c := range cols {
			switch v := r[c].(type) {
			case nil:
				rec[i] = ""
			case []string:
				rec[i] = strings.Join(v, ";")
			case float64:
				rec[i] = strconv.FormatFloat(v, 'g', -1, 64)
			default:
				rec[i] = fmt.Sprint(v)
			}
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		log.Fatal(err)
	}
}
