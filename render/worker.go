package render

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// WorkerEnv is the environment variable that makes a chanmap process (or a
// test binary) serve layouts as a pool worker instead of doing its own job.
const WorkerEnv = "CHANMAP_RENDER_WORKER"

// maxFrame bounds one request or response; a 100k-node map's DOT is well
// under it.
const maxFrame = 256 << 20

// RunWorkerIfRequested turns this process into a layout worker when
// CHANMAP_RENDER_WORKER=1 is set: it serves layout requests on stdin and
// stdout with the in-process engine and exits when stdin closes. Call it
// first thing in main() (and in TestMain of tests that start a Pool); it
// returns at once when the variable is not set.
func RunWorkerIfRequested() {
	if os.Getenv(WorkerEnv) != "1" {
		return
	}
	if err := serveWorker(os.Stdin, os.Stdout, NewInProcess()); err != nil {
		fmt.Fprintln(os.Stderr, "chanmap render worker:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// serveWorker answers layout requests read from r on w until r ends. Each
// request frame holds DOT; each answer frame is a status byte (0: SVG
// follows, 1: an error message follows) and the payload.
func serveWorker(r io.Reader, w io.Writer, e Engine) error {
	br := bufio.NewReader(r)
	for {
		req, err := readFrame(br)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		svg, lerr := e.Layout(context.Background(), req)
		var resp []byte
		if lerr != nil {
			resp = append([]byte{1}, lerr.Error()...)
		} else {
			resp = append([]byte{0}, svg...)
		}
		if err := writeFrame(w, resp); err != nil {
			return err
		}
	}
}

// writeFrame writes a length-prefixed frame (4 bytes, big-endian) in one write.
func writeFrame(w io.Writer, payload []byte) error {
	if len(payload) > maxFrame {
		return fmt.Errorf("frame of %d bytes exceeds the %d byte limit", len(payload), maxFrame)
	}
	buf := make([]byte, 4+len(payload))
	binary.BigEndian.PutUint32(buf, uint32(len(payload)))
	copy(buf[4:], payload)
	_, err := w.Write(buf)
	return err
}

// readFrame reads one length-prefixed frame. A clean end before a frame
// starts is io.EOF.
func readFrame(r io.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("truncated frame header: %w", err)
		}
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxFrame {
		return nil, fmt.Errorf("frame of %d bytes exceeds the %d byte limit", n, maxFrame)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("truncated frame: %w", err)
	}
	return buf, nil
}
