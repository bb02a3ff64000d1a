// Package display shows rich output from Go cells in ccellkernel (CELL_MODEL.md section 4a).
//
//	display.HTML("<b>bold</b>")
//
// A cell that uses display.X gets `import "ccellkernel/display"` added for it, like a standard
// package. Each call sends one display to the notebook, after whatever the program printed before
// it; the data goes over the kernel's display channel, never through stdout, so nothing the program
// prints can pose as a display. Outside the kernel (a program run by hand) the calls do nothing.
package display

import (
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"sync"
)

const (
	kindDisplay = 1
	kindUpdate  = 2
	kindClear   = 3
	kindResult  = 4
)

var (
	mu      sync.Mutex
	channel *os.File
	ack     *os.File
)

func init() {
	channel = open("CCELL_DISPLAY_FD")
	if channel != nil {
		ack = open("CCELL_DISPLAY_ACK")
	}
}

func open(name string) *os.File {
	fd, err := strconv.Atoi(os.Getenv(name))
	if err != nil || fd < 0 {
		return nil
	}
	return os.NewFile(uintptr(fd), name)
}

func send(kind byte, mime, id string, data []byte) {
	if channel == nil || len(mime) > 255 || len(id) > 1024 || uint64(len(data)) > 0xffffffff {
		return
	}
	mu.Lock()
	defer mu.Unlock()
	frame := make([]byte, 16, 16+len(mime)+len(id)+len(data))
	copy(frame, "CCD1")
	frame[4] = kind
	binary.LittleEndian.PutUint16(frame[6:], uint16(len(mime)))
	binary.LittleEndian.PutUint16(frame[8:], uint16(len(id)))
	binary.LittleEndian.PutUint32(frame[12:], uint32(len(data)))
	frame = append(append(append(frame, mime...), id...), data...)
	if _, err := channel.Write(frame); err != nil {
		channel = nil // the channel is gone: displays are lost, the program goes on
		return
	}
	if ack != nil {
		// wait until the kernel has sent it: what the program prints next comes after it
		var b [1]byte
		if n, _ := ack.Read(b[:]); n != 1 {
			ack = nil
		}
	}
}

// HTML shows an HTML fragment.
func HTML(html string) { send(kindDisplay, "text/html", "", []byte(html)) }

// Markdown shows Markdown text.
func Markdown(markdown string) { send(kindDisplay, "text/markdown", "", []byte(markdown)) }

// SVG shows an SVG image.
func SVG(svg string) { send(kindDisplay, "image/svg+xml", "", []byte(svg)) }

// PNG shows a PNG image.
func PNG(png []byte) { send(kindDisplay, "image/png", "", png) }

// Display shows data of any MIME type: text types (text/..., image/svg+xml, application/json) as
// text, others as bytes.
func Display[T ~string | ~[]byte](mime string, data T) { send(kindDisplay, mime, "", []byte(data)) }

// DisplayID shows data that a later Update with the same id replaces, also from a later cell.
func DisplayID[T ~string | ~[]byte](id, mime string, data T) { send(kindDisplay, mime, id, []byte(data)) }

// Update replaces what the display with this id shows.
func Update[T ~string | ~[]byte](id, mime string, data T) { send(kindUpdate, mime, id, []byte(data)) }

// Clear clears the cell's output so far.
func Clear() { send(kindClear, "", "", nil) }

// Result is how the kernel shows a cell's last expression as Out[n]: with %v, when the expression
// gives exactly one value that is not a nil interface (a call giving several, like fmt.Println's
// count and error, shows nothing).
func Result(values ...any) {
	if len(values) != 1 || values[0] == nil {
		return
	}
	send(kindResult, "text/plain", "", []byte(fmt.Sprintf("%v", values[0])))
}
