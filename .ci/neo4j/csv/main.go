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
	"github.com/chanmap/chanmap/graph/neo4j"
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
		label := neo4j.Label(k)
		rows := make([]map[string]any, 0, len(byKind[k]))
		for _, i := range byKind[k] {
			rows = append(rows, neo4j.NodeProperties(m.ID, m.Nodes[i], int64(i)))
		}
		path := filepath.Join(*out, "nodes-"+label+".csv")
		write(path, []string{"id:ID"}, []string{"id"}, rows)
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
		t := neo4j.RelType(k)
		rows := make([]map[string]any, 0, len(byType[k]))
		for _, i := range byType[k] {
			e := m.Edges[i]
			p := neo4j.EdgeProperties(m.ID, e, int64(i))
			p[":START_ID"], p[":END_ID"] = e.From, e.To
			rows = append(rows, p)
		}
		path := filepath.Join(*out, "rels-"+t+".csv")
		write(path, []string{":START_ID", ":END_ID"}, []string{":START_ID", ":END_ID"}, rows)
		args = append(args, "--relationships="+t+"="+path)
	}
	if err := os.WriteFile(filepath.Join(*out, "args"), []byte(strings.Join(args, "\n")+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d nodes, %d relationships\n", len(m.Nodes), len(m.Edges))
}

// write writes rows as one CSV file whose header has every property of
// any row, typed for the importer; idCols are the first columns, headed
// idHeaders (the node's :ID, or a relationship's :START_ID and :END_ID).
func write(path string, idHeaders, idCols []string, rows []map[string]any) {
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
	cols := slices.Clone(idCols)
	for k := range types {
		if !slices.Contains(idCols, k) {
			cols = append(cols, k)
		}
	}
	slices.Sort(cols[len(idCols):])
	header := slices.Clone(idHeaders)
	for _, c := range cols[len(idCols):] {
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
