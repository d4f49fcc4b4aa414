package badge

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

// Baking puts a credential inside its badge image, as Open Badges 3.0
// §5.3 ("Baked Badge") defines it: a PNG carries it in an iTXt chunk with
// the keyword "openbadgecredential"; an SVG in an <openbadges:credential>
// element (namespace https://purl.imsglobal.org/ob/v3p0) right after the
// <svg> start tag, with a VC-JWT in its verify attribute or the JSON
// credential in a CDATA section.

// Baking names.
const (
	NamespaceOpenBadges = "https://purl.imsglobal.org/ob/v3p0"
	pngKeyword          = "openbadgecredential"
	// MaxImageBytes bounds an image certlab bakes or extracts from.
	MaxImageBytes = 16 << 20
)

var pngSignature = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}

// IsPNG reports whether data starts with the PNG signature.
func IsPNG(data []byte) bool { return bytes.HasPrefix(data, pngSignature) }

// LooksLikeSVG reports whether data starts, after white space, a byte-order
// mark, an XML declaration or comments, with markup: the verifier then
// reads it as a (possibly baked) SVG image.
func LooksLikeSVG(data []byte) bool {
	d := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	return bytes.HasPrefix(d, []byte("<"))
}

// ErrNotBaked is returned when an image carries no Open Badges 3.0 credential.
var ErrNotBaked = errors.New("the image carries no Open Badges 3.0 credential")

// ExtractCredential returns the credential baked into a PNG or SVG image:
// a JSON credential or a compact VC-JWT, as baked.
func ExtractCredential(image []byte) ([]byte, error) {
	if len(image) > MaxImageBytes {
		return nil, fmt.Errorf("image is %d bytes, more than the %d certlab reads", len(image), MaxImageBytes)
	}
	if IsPNG(image) {
		return extractPNG(image)
	}
	if LooksLikeSVG(image) {
		return extractSVG(image)
	}
	return nil, errors.New("not a PNG or SVG image")
}

// BakePNG returns a copy of the PNG image with the credential (JSON or a
// compact VC-JWT) in an uncompressed iTXt chunk right after IHDR. An image
// that already carries a credential is refused.
func BakePNG(image, credential []byte) ([]byte, error) {
	if err := checkBakeable(credential); err != nil {
		return nil, err
	}
	chunks, err := pngChunks(image)
	if err != nil {
		return nil, err
	}
	for _, c := range chunks {
		if c.typ == "iTXt" && bytes.HasPrefix(c.data, []byte(pngKeyword+"\x00")) {
			return nil, errors.New("bake PNG: the image already carries a credential")
		}
	}
	// keyword, NUL, compression flag 0, method 0, empty language tag and
	// translated keyword (each NUL-terminated), then the UTF-8 text.
	data := make([]byte, 0, len(pngKeyword)+5+len(credential))
	data = append(data, pngKeyword...)
	data = append(data, 0, 0, 0, 0, 0)
	data = append(data, credential...)
	var out bytes.Buffer
	out.Grow(len(image) + len(data) + 12)
	out.Write(pngSignature)
	for i, c := range chunks {
		out.Write(image[c.start:c.end])
		if i == 0 {
			writePNGChunk(&out, "iTXt", data)
		}
	}
	return out.Bytes(), nil
}

// BakeSVG returns a copy of the SVG image with the credential in an
// <openbadges:credential> element right after the <svg> start tag: a
// compact VC-JWT in its verify attribute, a JSON credential in CDATA. An
// image that already carries a credential is refused.
func BakeSVG(image, credential []byte) ([]byte, error) {
	if err := checkBakeable(credential); err != nil {
		return nil, err
	}
	if len(image) > MaxImageBytes {
		return nil, fmt.Errorf("bake SVG: image is %d bytes, more than the %d certlab reads", len(image), MaxImageBytes)
	}
	if !LooksLikeSVG(image) {
		return nil, errors.New("bake SVG: not an SVG image")
	}
	root, err := findSVGRoot(image)
	if err != nil {
		return nil, fmt.Errorf("bake SVG: %w", err)
	}
	if _, err := extractSVG(image); err == nil {
		return nil, errors.New("bake SVG: the image already carries a credential")
	} else if !errors.Is(err, ErrNotBaked) {
		return nil, fmt.Errorf("bake SVG: %w", err)
	}
	var elem string
	if LooksLikeJWT(credential) {
		elem = `<openbadges:credential verify="` + strings.TrimSpace(string(credential)) + `"></openbadges:credential>`
	} else {
		// "]]>" can only occur inside a JSON string, where ">" may be
		// written \u003e: the JSON means the same and the CDATA stays whole.
		body := bytes.ReplaceAll(bytes.TrimSpace(credential), []byte("]]>"), []byte(`]]\u003e`))
		elem = "<openbadges:credential><![CDATA[" + string(body) + "]]></openbadges:credential>"
	}
	tag := image[root.start:root.end]
	selfClosing := bytes.HasSuffix(tag, []byte("/>"))
	var out bytes.Buffer
	out.Grow(len(image) + len(elem) + 64)
	out.Write(image[:root.start])
	if selfClosing {
		out.Write(tag[:len(tag)-2])
	} else {
		out.Write(tag[:len(tag)-1])
	}
	if root.openbadgesNS == "" {
		out.WriteString(` xmlns:openbadges="` + NamespaceOpenBadges + `"`)
	}
	out.WriteString(">\n" + elem + "\n")
	if selfClosing {
		out.WriteString("</svg>")
	}
	out.Write(image[root.end:])
	return out.Bytes(), nil
}

// checkBakeable refuses what cannot be a credential.
func checkBakeable(credential []byte) error {
	c := bytes.TrimSpace(credential)
	if len(c) == 0 {
		return errors.New("bake: the credential is empty")
	}
	if len(c) > maxCredentialBytes {
		return fmt.Errorf("bake: the credential is %d bytes, more than the %d certlab accepts", len(c), maxCredentialBytes)
	}
	if !LooksLikeJWT(c) && c[0] != '{' {
		return errors.New("bake: the credential is neither a JSON object nor a compact VC-JWT")
	}
	return nil
}

// pngChunk is one chunk of a PNG datastream, with its bytes' place in it.
type pngChunk struct {
	typ        string
	data       []byte
	start, end int // the whole chunk: length, type, data and CRC
}

// pngChunks splits a PNG into its chunks up to and including IEND,
// checking lengths and CRCs.
func pngChunks(image []byte) ([]pngChunk, error) {
	if !IsPNG(image) {
		return nil, errors.New("not a PNG image (signature missing)")
	}
	if len(image) > MaxImageBytes {
		return nil, fmt.Errorf("PNG is %d bytes, more than the %d certlab reads", len(image), MaxImageBytes)
	}
	var out []pngChunk
	for off := len(pngSignature); ; {
		if len(image)-off < 12 {
			return nil, fmt.Errorf("PNG: truncated chunk at offset %d", off)
		}
		n := binary.BigEndian.Uint32(image[off:])
		if n > uint32(len(image)-off-12) {
			return nil, fmt.Errorf("PNG: truncated: chunk at offset %d claims %d bytes, more than the file holds", off, n)
		}
		typ := string(image[off+4 : off+8])
		data := image[off+8 : off+8+int(n)]
		crc := binary.BigEndian.Uint32(image[off+8+int(n):])
		if crc32.ChecksumIEEE(image[off+4:off+8+int(n)]) != crc {
			return nil, fmt.Errorf("PNG: chunk %q at offset %d has a bad CRC", typ, off)
		}
		if len(out) == 0 && typ != "IHDR" {
			return nil, fmt.Errorf("PNG: first chunk is %q, not IHDR", typ)
		}
		end := off + 12 + int(n)
		out = append(out, pngChunk{typ: typ, data: data, start: off, end: end})
		if typ == "IEND" {
			return out, nil
		}
		off = end
	}
}

func writePNGChunk(w *bytes.Buffer, typ string, data []byte) {
	var hdr [8]byte
	binary.BigEndian.PutUint32(hdr[:4], uint32(len(data)))
	copy(hdr[4:], typ)
	w.Write(hdr[:])
	w.Write(data)
	crc := crc32.NewIEEE()
	crc.Write(hdr[4:])
	crc.Write(data)
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc.Sum32())
	w.Write(sum[:])
}

// extractPNG reads the first iTXt chunk with the keyword openbadgecredential.
func extractPNG(image []byte) ([]byte, error) {
	chunks, err := pngChunks(image)
	if err != nil {
		return nil, err
	}
	for _, c := range chunks {
		if c.typ == "tEXt" || c.typ == "iTXt" {
			if bytes.HasPrefix(c.data, []byte("openbadges\x00")) {
				return nil, errors.New("the PNG carries an Open Badges 2.0 assertion (keyword openbadges); certlab verifies Open Badges 3.0 credentials")
			}
		}
		if c.typ != "iTXt" || !bytes.HasPrefix(c.data, []byte(pngKeyword+"\x00")) {
			continue
		}
		rest := c.data[len(pngKeyword)+1:]
		if len(rest) < 2 {
			return nil, errors.New("PNG: the openbadgecredential chunk is truncated")
		}
		compressed, method := rest[0], rest[1]
		rest = rest[2:]
		for range 2 { // language tag, translated keyword
			i := bytes.IndexByte(rest, 0)
			if i < 0 {
				return nil, errors.New("PNG: the openbadgecredential chunk is truncated")
			}
			rest = rest[i+1:]
		}
		switch {
		case compressed == 0:
		case compressed == 1 && method == 0:
			// OB 3.0 says not to compress; read it anyway, bounded.
			zr, err := zlib.NewReader(bytes.NewReader(rest))
			if err != nil {
				return nil, fmt.Errorf("PNG: the openbadgecredential chunk: %w", err)
			}
			text, err := io.ReadAll(io.LimitReader(zr, maxCredentialBytes+1))
			if err != nil {
				return nil, fmt.Errorf("PNG: the openbadgecredential chunk: %w", err)
			}
			if len(text) > maxCredentialBytes {
				return nil, fmt.Errorf("PNG: the credential expands to more than %d bytes", maxCredentialBytes)
			}
			rest = text
		default:
			return nil, fmt.Errorf("PNG: the openbadgecredential chunk uses compression %d/%d", compressed, method)
		}
		text := bytes.TrimSpace(rest)
		if len(text) == 0 {
			return nil, errors.New("PNG: the openbadgecredential chunk is empty")
		}
		return text, nil
	}
	return nil, ErrNotBaked
}

// svgRoot is where the root <svg> start tag sits in a document.
type svgRoot struct {
	start, end   int    // the start tag's bytes
	openbadgesNS string // the URI bound to the openbadges prefix there, if any
}

// newXMLDecoder returns a strict decoder that never resolves entities
// beyond XML's five.
func newXMLDecoder(data []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	return d
}

// findSVGRoot finds the root element's start tag, which must be svg.
func findSVGRoot(image []byte) (svgRoot, error) {
	d := newXMLDecoder(image)
	for {
		start := d.InputOffset()
		tok, err := d.RawToken()
		if err != nil {
			return svgRoot{}, fmt.Errorf("not an SVG image: %w", err)
		}
		if cd, ok := tok.(xml.CharData); ok && len(bytes.TrimSpace(cd)) > 0 {
			return svgRoot{}, errors.New("not an SVG image: text before the root element")
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local != "svg" {
			return svgRoot{}, fmt.Errorf("not an SVG image: the root element is <%s>", se.Name.Local)
		}
		r := svgRoot{start: int(start), end: int(d.InputOffset())}
		for _, a := range se.Attr {
			if a.Name.Space == "xmlns" && a.Name.Local == "openbadges" {
				if a.Value != NamespaceOpenBadges {
					return svgRoot{}, fmt.Errorf("the svg element binds the openbadges prefix to %q (an Open Badges 2.0 image?), not %q", a.Value, NamespaceOpenBadges)
				}
				r.openbadgesNS = a.Value
			}
		}
		if r.end <= r.start || image[r.end-1] != '>' {
			return svgRoot{}, errors.New("not an SVG image: cannot find the end of the svg start tag")
		}
		return r, nil
	}
}

// extractSVG reads the first <openbadges:credential> element of an SVG.
func extractSVG(image []byte) ([]byte, error) {
	d := newXMLDecoder(image)
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil, ErrNotBaked
		}
		if err != nil {
			return nil, fmt.Errorf("SVG: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 && t.Name.Local != "svg" {
				return nil, fmt.Errorf("not an SVG image: the root element is <%s>", t.Name.Local)
			}
			if t.Name.Local == "assertion" && t.Name.Space == "http://openbadges.org" {
				return nil, errors.New("the SVG carries an Open Badges 2.0 assertion; certlab verifies Open Badges 3.0 credentials")
			}
			if t.Name.Space != NamespaceOpenBadges || t.Name.Local != "credential" {
				continue
			}
			for _, a := range t.Attr {
				if a.Name.Local == "verify" && a.Name.Space == "" {
					v := strings.TrimSpace(a.Value)
					if v == "" {
						return nil, errors.New("SVG: the openbadges:credential verify attribute is empty")
					}
					return []byte(v), nil
				}
			}
			var text bytes.Buffer
			for {
				tok, err := d.Token()
				if err != nil {
					return nil, fmt.Errorf("SVG: inside openbadges:credential: %w", err)
				}
				switch c := tok.(type) {
				case xml.CharData:
					if text.Len()+len(c) > maxCredentialBytes {
						return nil, fmt.Errorf("SVG: the credential is larger than %d bytes", maxCredentialBytes)
					}
					text.Write(c)
				case xml.EndElement:
					out := bytes.TrimSpace(text.Bytes())
					if len(out) == 0 {
						return nil, errors.New("SVG: the openbadges:credential element is empty")
					}
					return out, nil
				case xml.StartElement:
					return nil, errors.New("SVG: the openbadges:credential element holds markup, not a credential")
				}
			}
		case xml.EndElement:
			depth--
		}
	}
}
