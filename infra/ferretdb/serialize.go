package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
)

// FerretDB v1 applies an update (update, findAndModify, delete) as a read, a change in Go and a
// write of the whole document by _id, with nothing held between the read and the write: two
// connections updating one document lose one update, and two conditional updates can both see
// their filter match. MongoDB applies each of them atomically. The front below gives the
// development server that guarantee: it speaks the wire protocol on the public address, passes
// every message through to FerretDB on a private socket, and lets one write command at a time,
// from any connection, be in FerretDB until its reply comes back. Reads pass freely; they see a
// write's document before it or after it, as on MongoDB.

const (
	opMsg        = 2013
	headerLength = 16
	// MongoDB's own maxMessageSizeBytes; a larger length is a broken or hostile client.
	maxMessageLength = 48_000_000
	moreToCome       = 1 << 1
)

// The commands that change documents or collections: run one at a time.
var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findAndModify": true, "findandmodify": true,
	"create": true, "createIndexes": true, "drop": true, "dropIndexes": true, "dropDatabase": true,
	"renameCollection": true,
}

type message struct {
	bytes      []byte
	requestID  int32
	responseTo int32
	opCode     int32
}

func readMessage(r *bufio.Reader) (message, error) {
	header := make([]byte, headerLength)
	if _, err := io.ReadFull(r, header); err != nil {
		return message{}, err
	}
	length := int32(binary.LittleEndian.Uint32(header))
	if length < headerLength || length > maxMessageLength {
		return message{}, fmt.Errorf("message length %d out of bounds", length)
	}
	bytes := make([]byte, length)
	copy(bytes, header)
	if _, err := io.ReadFull(r, bytes[headerLength:]); err != nil {
		return message{}, err
	}
	return message{
		bytes:      bytes,
		requestID:  int32(binary.LittleEndian.Uint32(header[4:])),
		responseTo: int32(binary.LittleEndian.Uint32(header[8:])),
		opCode:     int32(binary.LittleEndian.Uint32(header[12:])),
	}, nil
}

// commandOf names an OP_MSG's command (the first key of its body section) and says whether a
// reply will come; "" for anything else (OP_QUERY handshakes, malformed sections).
func commandOf(m message) (name string, replies bool) {
	if m.opCode != opMsg || len(m.bytes) < headerLength+5 {
		return "", true
	}
	flags := binary.LittleEndian.Uint32(m.bytes[headerLength:])
	replies = flags&moreToCome == 0
	rest := m.bytes[headerLength+4:]
	for len(rest) > 0 {
		kind := rest[0]
		rest = rest[1:]
		if len(rest) < 4 {
			return "", replies
		}
		size := int(binary.LittleEndian.Uint32(rest))
		if size < 5 || size > len(rest) {
			return "", replies
		}
		if kind == 0 {
			// A BSON document: its size, then elements (a type byte, a C string key, a value).
			document := rest[4:size]
			if len(document) < 2 || document[0] == 0 {
				return "", replies
			}
			for i := 1; i < len(document); i++ {
				if document[i] == 0 {
					return string(document[1:i]), replies
				}
			}
			return "", replies
		}
		rest = rest[size:]
	}
	return "", replies
}

// front serves the wire protocol on listener, one FerretDB connection per client connection.
func front(listener net.Listener, backend string) error {
	var writes sync.Mutex
	for {
		client, err := listener.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go relay(client, backend, &writes)
	}
}

func relay(client net.Conn, backend string, writes *sync.Mutex) {
	defer client.Close()
	server, err := net.Dial("unix", backend)
	if err != nil {
		log.Printf("front: FerretDB unreachable: %v", err)
		return
	}
	defer server.Close()

	// The request id of the write waiting for its reply, if one is, and its signal.
	var waiting sync.Mutex
	var isWaiting bool
	var waitingFor int32
	replied := make(chan struct{}, 1)
	serverGone := make(chan struct{})

	go func() {
		defer close(serverGone)
		defer client.Close()
		replies := bufio.NewReader(server)
		for {
			m, err := readMessage(replies)
			if err != nil {
				return
			}
			waiting.Lock()
			if isWaiting && m.responseTo == waitingFor {
				isWaiting = false
				replied <- struct{}{}
			}
			waiting.Unlock()
			if _, err := client.Write(m.bytes); err != nil {
				return
			}
		}
	}()

	requests := bufio.NewReader(client)
	for {
		m, err := readMessage(requests)
		if err != nil {
			return
		}
		name, replies := commandOf(m)
		if !writeCommands[name] {
			if _, err := server.Write(m.bytes); err != nil {
				return
			}
			continue
		}
		writes.Lock()
		if replies {
			waiting.Lock()
			isWaiting, waitingFor = true, m.requestID
			waiting.Unlock()
		}
		_, err = server.Write(m.bytes)
		if err == nil && replies {
			select {
			case <-replied:
			case <-serverGone:
				err = net.ErrClosed
			}
		}
		writes.Unlock()
		if err != nil {
			return
		}
	}
}
