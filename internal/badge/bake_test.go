package badge

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"
)

// testPNG encodes a small image with the standard library's encoder.
func testPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.NRGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBadgeSVGIsAccessible(t *testing.T) {
	t.Parallel()
	svg := BadgeSVG(BadgeArt{Title: `DevOps Engineer Expert <& "quotes">`, Kind: "Certification", Issuer: "certlab",
		Description: "Passed AZ-400.", Seed: "https://certlab.example/achievements/devops"})
	var doc struct {
		XMLName    xml.Name `xml:"http://www.w3.org/2000/svg svg"`
		Role       string   `xml:"role,attr"`
		Labelledby string   `xml:"aria-labelledby,attr"`
		Title      struct {
			ID   string `xml:"id,attr"`
			Text string `xml:",chardata"`
		} `xml:"title"`
		Desc struct {
			ID   string `xml:"id,attr"`
			Text string `xml:",chardata"`
		} `xml:"desc"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatalf("generated SVG is not well-formed XML: %v\n%s", err, svg)
	}
	if doc.Role != "img" || doc.Labelledby != doc.Title.ID+" "+doc.Desc.ID {
		t.Errorf("role %q, aria-labelledby %q; want img labelled by title and desc", doc.Role, doc.Labelledby)
	}
	if doc.Title.Text != `DevOps Engineer Expert <& "quotes">` {
		t.Errorf("title = %q", doc.Title.Text)
	}
	if !strings.Contains(doc.Desc.Text, "issued by certlab") || !strings.Contains(doc.Desc.Text, "Passed AZ-400.") {
		t.Errorf("desc = %q", doc.Desc.Text)
	}
	if !bytes.Equal(svg, BadgeSVG(BadgeArt{Title: `DevOps Engineer Expert <& "quotes">`, Kind: "Certification", Issuer: "certlab",
		Description: "Passed AZ-400.", Seed: "https://certlab.example/achievements/devops"})) {
		t.Error("the same art gives different images")
	}
	long := BadgeSVG(BadgeArt{Title: strings.Repeat("Extraordinarily ", 12) + "Long"})
	if n := bytes.Count(long, []byte(`font-weight="700" fill="hsl`)); n != 3 {
		t.Errorf("a long title is drawn on %d lines, want 3", n)
	}
}

func TestBakeAndExtract(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ti := newTestIssuer(t, now)
	ic := ti.issue("baked-1", 11)
	svg := BadgeSVG(BadgeArt{Title: "DevOps Engineer Expert", Issuer: "certlab test"})
	pngImg := testPNG(t)
	// A JSON credential holding "]]>" in a string must survive CDATA.
	tricky := []byte(`{"name":"a]]>b","@context":[]}`)
	forms := map[string][]byte{"json": ic.DataIntegrity, "jwt": []byte(ic.JWT), "cdata-end": tricky}
	bakers := map[string]struct {
		bake  func(img, cred []byte) ([]byte, error)
		image []byte
	}{"svg": {BakeSVG, svg}, "png": {BakePNG, pngImg}, "self-closing svg": {BakeSVG, []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)}}
	for bname, bk := range bakers {
		for fname, cred := range forms {
			t.Run(bname+"/"+fname, func(t *testing.T) {
				t.Parallel()
				baked, err := bk.bake(bk.image, cred)
				if err != nil {
					t.Fatalf("bake: %v", err)
				}
				got, err := ExtractCredential(baked)
				if err != nil {
					t.Fatalf("extract: %v", err)
				}
				if fname == "cdata-end" && bname != "png" {
					if string(got) != `{"name":"a]]\u003eb","@context":[]}` {
						t.Errorf("extracted %s", got)
					}
					return
				}
				if !bytes.Equal(got, bytes.TrimSpace(cred)) {
					t.Errorf("extracted credential differs from the baked one:\n%s", got)
				}
				if _, err := bk.bake(baked, cred); err == nil || !strings.Contains(err.Error(), "already carries") {
					t.Errorf("baking twice: err = %v", err)
				}
				switch bname {
				case "png":
					if _, err := png.Decode(bytes.NewReader(baked)); err != nil {
						t.Errorf("baked PNG no longer decodes: %v", err)
					}
				default:
					if err := xml.Unmarshal(baked, new(struct{})); err != nil {
						t.Errorf("baked SVG is not well-formed: %v", err)
					}
				}
			})
		}
	}
	// The baked credential still verifies, read from the image.
	baked, err := BakeSVG(svg, ic.DataIntegrity)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ExtractCredential(baked)
	if err != nil {
		t.Fatal(err)
	}
	if rep := ti.verifier(now).Verify(context.Background(), got); !rep.OK() {
		t.Errorf("credential from the baked SVG:\n%s", reportText(t, rep))
	}
}

// TestBakedPNGReadByPngChunksExtract has an independent PNG reader
// (png-chunks-extract, which checks each chunk's CRC) find the iTXt chunk
// certlab wrote.
func TestBakedPNGReadByPngChunksExtract(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ti := newTestIssuer(t, now)
	ic := ti.issue("baked-2", 12)
	baked, err := BakePNG(testPNG(t), []byte(ic.JWT))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Keyword     string `json:"keyword"`
		Compression int    `json:"compression"`
		Text        string `json:"text"`
	}
	if err := runInterop(t, map[string]any{"mode": "extract-png", "png": base64.StdEncoding.EncodeToString(baked)}, &got); err != nil {
		t.Fatal(err)
	}
	if got.Keyword != "openbadgecredential" || got.Compression != 0 || got.Text != ic.JWT {
		t.Errorf("png-chunks-extract read keyword %q, compression %d, text %q", got.Keyword, got.Compression, got.Text)
	}
}

func TestExtractRefusesBadImages(t *testing.T) {
	t.Parallel()
	pngImg := testPNG(t)
	corrupt := bytes.Clone(pngImg)
	corrupt[20] ^= 0xff // inside IHDR: its CRC no longer matches
	tests := []struct {
		name  string
		image []byte
		want  string
	}{
		{"plain png", pngImg, "carries no Open Badges 3.0 credential"},
		{"plain svg", BadgeSVG(BadgeArt{Title: "x"}), "carries no Open Badges 3.0 credential"},
		{"corrupt png", corrupt, "bad CRC"},
		{"truncated png", pngImg[:30], "truncated"},
		{"html", []byte("<html><body>hi</body></html>"), "root element is <html>"},
		{"ob2 svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="x"/></svg>`), "Open Badges 2.0"},
		{"entity", []byte(`<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>`), "entity"},
		{"gif", []byte("GIF89a"), "not a PNG or SVG"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := ExtractCredential(tc.image); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// FuzzExtractCredential feeds arbitrary images to the extractor: it must
// never panic, and whenever certlab can bake a credential into the input,
// extracting it again must give back exactly that credential.
func FuzzExtractCredential(f *testing.F) {
	svg := BadgeSVG(BadgeArt{Title: "Seed"})
	cred := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:x"}`)
	pngImg := testPNG(f)
	for _, img := range [][]byte{svg, pngImg} {
		f.Add(img)
	}
	if b, err := BakeSVG(svg, cred); err == nil {
		f.Add(b)
	}
	if b, err := BakePNG(pngImg, cred); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify="a.b.c"/></svg>`))
	f.Add([]byte(`<svg><openbadges:credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><![CDATA[{}]]></openbadges:credential></svg>`))
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x00IEND\xaeB`\x82"))
	f.Fuzz(func(t *testing.T, img []byte) {
		_, _ = ExtractCredential(img)
		for name, bake := range map[string]func(a, b []byte) ([]byte, error){"svg": BakeSVG, "png": BakePNG} {
			baked, err := bake(img, cred)
			if err != nil {
				continue
			}
			got, err := ExtractCredential(baked)
			if err != nil || !bytes.Equal(got, cred) {
				t.Fatalf("%s: baked into the input, extracted %q, %v", name, got, err)
			}
		}
	})
}
