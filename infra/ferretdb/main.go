// Command ferretdb runs FerretDB v1 embedded, serving the MongoDB wire protocol on
// loopback with SQLite storage. FerretDB's own command panics at start when built with
// `go install` (FerretDB#2982); the embedded package does not. FerretDB listens on a private
// Unix socket; the address clients use is served by the front in serialize.go, which applies
// write commands one at a time, as MongoDB applies each atomically.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data-dir", "data", "directory of the SQLite databases")
	flag.Parse()

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Fatal(err)
	}

	socket := filepath.Join(os.TempDir(), fmt.Sprintf("coffer-ferretdb-%d.sock", os.Getpid()))
	_ = os.Remove(socket)
	defer os.Remove(socket)

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: socket},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	stopped := make(chan error, 1)
	go func() { stopped <- f.Run(ctx) }()
	// The public address opens once FerretDB answers, so a client that connects is served.
	for {
		if conn, err := net.Dial("unix", socket); err == nil {
			conn.Close()
			break
		}
		select {
		case err := <-stopped:
			log.Fatalf("ferretdb stopped at start: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		<-ctx.Done()
		listener.Close()
	}()
	go func() {
		if err := front(listener, socket); err != nil {
			log.Fatal(err)
		}
	}()

	log.Printf("ferretdb listening on %s, data in %s", *listen, dir)
	if err := <-stopped; err != nil {
		log.Fatal(err)
	}
}
