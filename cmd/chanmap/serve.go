package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/chanmap/chanmap/api"
	"github.com/chanmap/chanmap/graph"
	"github.com/chanmap/chanmap/graph/mapio"
	"github.com/chanmap/chanmap/render"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newServeCmd) }

// serveOptions are the flags of chanmap serve.
type serveOptions struct {
	addr          string
	store         storeFlags
	logFormat     string
	insecure      bool
	bodyLimit     int64
	renderWorkers int
	renderTimeout time.Duration
	storeTimeout  time.Duration
	seed          bool
	allowedHosts  []string
}

func newServeCmd() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the editing API, the diagrams and the web page over HTTP",
		Long: `serve answers the REST API under /api/v1 (OpenAPI document at /api/openapi.json)
and the web page at /. It keeps maps in the embedded store (--db, default
chanmap.db; seeded with the hybrid sample map when empty) or in Neo4j
(--neo4j-uri). Where no flag is given it reads CHANMAP_DB, CHANMAP_NEO4J_URI,
CHANMAP_NEO4J_USER and CHANMAP_NEO4J_PASSWORD.

CHANMAP_TOKENS=token=role,... (roles viewer, editor, admin) turns on bearer
authentication. On an address other than loopback serve refuses to start
without tokens unless --insecure is given. Without tokens it answers only
requests whose Host is a loopback name or address, the --addr host, or a
name given with --allowed-host (against DNS rebinding), and refuses writes
from browser pages of other sites.

The first line on standard output is "chanmap: listening on http://HOST:PORT/".
SIGINT or SIGTERM stops it gracefully: requests in flight finish, then the
render workers and the store are closed.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.logFormat != "text" && o.logFormat != "json" {
				return usagef("--log-format must be text or json, not %q", o.logFormat)
			}
			if o.renderWorkers < 1 {
				return usagef("--render-workers must be at least 1")
			}
			if o.storeTimeout <= 0 {
				return usagef("--store-timeout must be positive, not %v", o.storeTimeout)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return serve(ctx, o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	o.store.add(cmd)
	f.StringVar(&o.logFormat, "log-format", "text", "request log format on stderr: text or json")
	f.BoolVar(&o.insecure, "insecure", false, "serve a non-loopback address without tokens (anyone who reaches it can edit)")
	f.Int64Var(&o.bodyLimit, "body-limit", api.DefaultBodyLimit, "largest accepted request body, bytes")
	f.IntVar(&o.renderWorkers, "render-workers", runtime.NumCPU(), "diagram layout worker processes (at most one per core is useful)")
	f.DurationVar(&o.renderTimeout, "render-timeout", api.DefaultRenderTimeout, "deadline for one diagram layout (the worker is killed past it)")
	f.DurationVar(&o.storeTimeout, "store-timeout", api.DefaultStoreTimeout, "deadline for one store call made for a request (a map read whole, a change set);\nraise it for maps of hundreds of thousands of nodes")
	f.BoolVar(&o.seed, "seed", true, "put the hybrid sample map into an empty store")
	f.StringArrayVar(&o.allowedHosts, "allowed-host", nil, "a name (host or host:port) clients use for this server besides loopback ones; repeatable (matters without tokens)")
	return cmd
}

// serve runs the server until ctx ends, then shuts it down gracefully.
func serve(ctx context.Context, o serveOptions, stdout, stderr io.Writer) error {
	tokens, err := api.ParseTokens(os.Getenv("CHANMAP_TOKENS"))
	if err != nil {
		return err
	}
	if tokens.Len() == 0 && !o.insecure {
		if err := requireLoopback(o.addr); err != nil {
			return err
		}
	}

	var handler slog.Handler = slog.NewTextHandler(stderr, nil)
	if o.logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, nil)
	}
	logger := slog.New(handler)

	store, where, err := o.store.open(ctx, "")
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer store.Close()
	logger.Info("store open", "store", where.String())
	if o.seed {
		if err := seed(ctx, store, logger); err != nil {
			return err
		}
	}

	if n := runtime.NumCPU(); o.renderWorkers > n {
		logger.Warn("more render workers than cores gain nothing: using one per core", "asked", o.renderWorkers, "cores", n)
		o.renderWorkers = n
	}
	pool, err := render.NewPool(render.PoolConfig{Size: o.renderWorkers, Timeout: o.renderTimeout})
	if err != nil {
		return fmt.Errorf("start render workers: %w", err)
	}
	defer pool.Close()

	srv, err := api.New(api.Config{
		Store:         store,
		Engine:        pool,
		Tokens:        tokens,
		BodyLimit:     o.bodyLimit,
		RenderTimeout: o.renderTimeout,
		StoreTimeout:  o.storeTimeout,
		Logger:        logger,
		AllowedHosts:  allowedHosts(o.addr, o.allowedHosts),
	})
	if err != nil {
		return err
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.addr, err)
	}
	hs := srv.HTTPServer(o.addr)
	fmt.Fprintf(stdout, "chanmap: listening on %s\n", listenURL(o.addr, ln.Addr()))
	if tokens.Len() == 0 {
		logger.Warn("no CHANMAP_TOKENS: authentication is off")
	}
	logger.Info("serving", "addr", ln.Addr().String(), "tokens", tokens.Len(), "render_workers", o.renderWorkers)

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		logger.Error("shutdown", "err", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// requireLoopback refuses addresses reachable from other machines.
func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("--addr %q: %v", addr, err)
	}
	refuse := func() error {
		return fmt.Errorf("refusing to serve %s without tokens: anyone who can reach it could read and change every map. "+
			"Set CHANMAP_TOKENS=token=role,... (roles viewer, editor, admin), listen on 127.0.0.1, or pass --insecure if you really mean it", addr)
	}
	if host == "" {
		return refuse() // every interface
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() {
			return nil
		}
		return refuse()
	}
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return refuse()
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return refuse()
		}
	}
	return nil
}

// listenURL is the URL to print: the host asked for, the port actually bound.
func listenURL(addr string, bound net.Addr) string {
	host, _, _ := net.SplitHostPort(addr)
	_, port, _ := net.SplitHostPort(bound.String())
	if host == "" || host == "0.0.0.0" || host == "::" {
		host, _, _ = net.SplitHostPort(bound.String())
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// seedMap is the hybrid sample map (testdata/maps/hybrid.yaml; a test
// keeps the copy equal), the one map serve starts an empty store with.
//
//go:embed sample.yaml
var seedMap []byte

// seed puts the hybrid sample map into an empty store, so a fresh
// `chanmap serve` shows something.
func seed(ctx context.Context, store graph.Store, logger *slog.Logger) error {
	maps, err := store.ListMaps(ctx)
	if err != nil {
		return fmt.Errorf("list maps: %w", err)
	}
	if len(maps) > 0 {
		return nil
	}
	m, err := mapio.Read(seedMap, "hybrid.yaml")
	if err != nil {
		return fmt.Errorf("read the sample map: %w", err)
	}
	if _, err := store.CreateMap(ctx, m); err != nil && !errors.Is(err, graph.ErrExists) {
		return fmt.Errorf("seed the sample map: %w", err)
	}
	logger.Info("seeded an empty store with the sample map", "map", m.ID)
	return nil
}
