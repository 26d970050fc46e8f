package gsm

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

const urdu = "سیلاب کا خطرہ: فوری طور پر محفوظ مقام پر منتقل ہو جائیں"

func TestIsGSM7(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"", true},
		{"Flood warning: move to high ground now.", true},
		{"Price €5 {zone} [a] ~ \\ | ^", true},
		{"ΔΦΓΛΩΠΨΣΘΞ @£$¥ èéùìò Ç Øø Åå ÆæßÉ ¤ ¡ ÄÖÑÜ§ ¿ äöñüà", true},
		{"ç", false}, // only the capital is in the alphabet
		{"`", false},
		{urdu, false},
		{"Внимание", false},
		{"洪水", false},
		{"🌊", false},
	} {
		if got := IsGSM7(tc.in); got != tc.want {
			t.Errorf("IsGSM7(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestEncodeDecode(t *testing.T) {
	for _, tc := range []struct {
		in      string
		septets string // hex
	}{
		{"@", "00"},
		{"Hi!", "486921"},
		{"€", "1b65"},
		{"{}", "1b281b29"},
		{"[~]\\|^\f", "1b3c1b3d1b3e1b2f1b401b141b0a"},
		{"Ab\n\r", "41620a0d"},
		{"Δ_ß", "10111e"},
	} {
		got, err := Encode(tc.in)
		if err != nil {
			t.Fatalf("Encode(%q): %v", tc.in, err)
		}
		if h := hex.EncodeToString(got); h != tc.septets {
			t.Errorf("Encode(%q) = %s, want %s", tc.in, h, tc.septets)
		}
		back, err := Decode(got)
		if err != nil || back != tc.in {
			t.Errorf("Decode(%s) = %q, %v; want %q", tc.septets, back, err, tc.in)
		}
	}
	if _, err := Encode("Hi ç"); !errors.Is(err, ErrNotGSM7) {
		t.Errorf("Encode(ç) error = %v, want ErrNotGSM7", err)
	}
}

func TestDecodeEdges(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      []byte
		want    string
		wantErr error
	}{
		{"undefined extension falls back to basic", []byte{Escape, 'A'}, "A", nil},
		{"double escape is a space", []byte{Escape, Escape}, " ", nil},
		{"dangling escape", []byte{'A', Escape}, "", ErrDanglingEscape},
		{"eighth bit", []byte{'A', 0x80}, "", ErrInvalidSeptet},
		{"eighth bit after escape", []byte{Escape, 0xE5}, "", ErrInvalidSeptet},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(tc.in)
			if !errors.Is(err, tc.wantErr) || got != tc.want {
				t.Errorf("Decode(%x) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestPack(t *testing.T) {
	septets, _ := Encode("hellohello")
	packed := Pack(septets)
	// The classic example from GSM 03.38 tutorials.
	if h := hex.EncodeToString(packed); h != "e8329bfd4697d9ec37" {
		t.Fatalf("Pack(hellohello) = %s", h)
	}
	back, err := Unpack(packed, len(septets))
	if err != nil || !bytes.Equal(back, septets) {
		t.Fatalf("Unpack = %x, %v", back, err)
	}
	if _, err := Unpack(packed, 11); !errors.Is(err, ErrShortPacked) {
		t.Errorf("Unpack past the end: %v", err)
	}
	if _, err := Unpack(packed, -1); !errors.Is(err, ErrShortPacked) {
		t.Errorf("Unpack(-1): %v", err)
	}
}

func TestSegments(t *testing.T) {
	a := strings.Repeat
	for _, tc := range []struct {
		name string
		in   string
		want Plan
	}{
		{"empty", "", Plan{GSM7, 0, 0, 160}},
		{"english", "Flood warning: move to high ground now.", Plan{GSM7, 39, 1, 160}},
		{"euro and braces count two", "Relief {zone 3}: €20", Plan{GSM7, 23, 1, 160}},
		{"160 fits one", a("a", 160), Plan{GSM7, 160, 1, 160}},
		{"161 needs two", a("a", 161), Plan{GSM7, 161, 2, 153}},
		{"159 plus euro is 161", a("a", 159) + "€", Plan{GSM7, 161, 2, 153}},
		{"306 is two", a("a", 306), Plan{GSM7, 306, 2, 153}},
		{"307 is three", a("a", 307), Plan{GSM7, 307, 3, 153}},
		{"urdu", urdu, Plan{UCS2, 55, 1, 70}},
		{"russian", "Внимание! Угроза наводнения. Немедленно эвакуируйтесь.", Plan{UCS2, 54, 1, 70}},
		{"chinese", "洪水警报：请立即撤离到安全地带", Plan{UCS2, 15, 1, 70}},
		{"one non-GSM char makes all UCS-2", a("a", 100) + "ç", Plan{UCS2, 101, 2, 67}},
		{"70 urdu fits one", a("س", 70), Plan{UCS2, 70, 1, 70}},
		{"71 urdu needs two", a("س", 71), Plan{UCS2, 71, 2, 67}},
		{"emoji counts two", "🌊", Plan{UCS2, 2, 1, 70}},
		{"69 plus emoji is 71", a("س", 69) + "🌊", Plan{UCS2, 71, 2, 67}},
		{"three urdu segments", a(urdu, 3), Plan{UCS2, 165, 3, 67}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Segments(tc.in); got != tc.want {
				t.Errorf("Segments = %+v, want %+v", got, tc.want)
			}
			if n := len(Split(tc.in)); n != tc.want.Segments {
				t.Errorf("len(Split) = %d, want %d", n, tc.want.Segments)
			}
		})
	}
}

func TestSplitKeepsPairs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		units []int
		first string
	}{
		{"escape pair moves whole", strings.Repeat("a", 152) + "€bbbbbbbbbb", []int{152, 12}, strings.Repeat("a", 152)},
		{"escape pair fits exactly", strings.Repeat("a", 151) + "€bbbbbbbbbb", []int{153, 10}, strings.Repeat("a", 151) + "€"},
		{"surrogate pair moves whole", strings.Repeat("س", 66) + "🌊ابجده", []int{66, 7}, strings.Repeat("س", 66)},
		{"surrogate pair fits exactly", strings.Repeat("س", 65) + "🌊ابجده", []int{67, 5}, strings.Repeat("س", 65) + "🌊"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			segs := Split(tc.in)
			var units []int
			for _, s := range segs {
				units = append(units, s.Units)
			}
			if len(units) != len(tc.units) || units[0] != tc.units[0] || units[1] != tc.units[1] {
				t.Fatalf("units = %v, want %v", units, tc.units)
			}
			if segs[0].Text != tc.first {
				t.Errorf("first segment = %q, want %q", segs[0].Text, tc.first)
			}
		})
	}
}

func TestSplitUrduThree(t *testing.T) {
	text := strings.Repeat(urdu+" ", 3)
	segs := Split(text)
	if len(segs) != 3 {
		t.Fatalf("got %d segments", len(segs))
	}
	var joined strings.Builder
	for i, s := range segs {
		if s.Units > UCS2Concat {
			t.Errorf("segment %d has %d units", i, s.Units)
		}
		joined.WriteString(s.Text)
	}
	if joined.String() != text {
		t.Error("segments do not join back to the text")
	}
}

// checkSplit verifies Split's promises for any text.
func checkSplit(t *testing.T, text string) {
	p := Segments(text)
	segs := Split(text)
	if len(segs) != p.Segments {
		t.Fatalf("Split gave %d segments, Plan says %d", len(segs), p.Segments)
	}
	var joined strings.Builder
	total := 0
	for i, s := range segs {
		if s.Units > p.PerSegment || s.Units == 0 {
			t.Fatalf("segment %d has %d units, capacity %d", i, s.Units, p.PerSegment)
		}
		if s.Units != Units(s.Text, p.Encoding) {
			t.Fatalf("segment %d units %d, recount %d", i, s.Units, Units(s.Text, p.Encoding))
		}
		if !utf8.ValidString(s.Text) && utf8.ValidString(text) {
			t.Fatalf("segment %d cuts a character", i)
		}
		total += s.Units
		joined.WriteString(s.Text)
	}
	if joined.String() != text || total != p.Units {
		t.Fatalf("segments do not add up: %d units of %d", total, p.Units)
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"", "hello", urdu, strings.Repeat("a", 152) + "€b", strings.Repeat("س", 66) + "🌊", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(checkSplit)
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "hellohello", "€{}", "\x1b", "\x1b\x1b", "\x80"} {
		f.Add([]byte(s))
	}
	seed, _ := Encode("Relief {zone 3}: €20 ΔΦ")
	f.Add(seed)
	f.Fuzz(func(t *testing.T, in []byte) {
		s, err := Decode(in)
		if err != nil {
			return
		}
		if !IsGSM7(s) {
			t.Fatalf("Decode(%x) = %q, not GSM-7", in, s)
		}
		again, err := Encode(s)
		if err != nil {
			t.Fatalf("Encode(Decode(%x)): %v", in, err)
		}
		if s2, _ := Decode(again); s2 != s {
			t.Fatalf("round trip %q -> %q", s, s2)
		}
	})
}

func FuzzUnpack(f *testing.F) {
	f.Add([]byte{0xe8, 0x32, 0x9b, 0xfd, 0x46, 0x97, 0xd9, 0xec, 0x37}, 10)
	f.Add([]byte{}, 0)
	f.Add([]byte{0xff}, 2)
	f.Fuzz(func(t *testing.T, packed []byte, n int) {
		septets, err := Unpack(packed, n)
		if err != nil {
			return
		}
		if len(septets) != n {
			t.Fatalf("got %d septets, want %d", len(septets), n)
		}
		back, err := Unpack(Pack(septets), n)
		if err != nil || !bytes.Equal(back, septets) {
			t.Fatalf("Unpack(Pack(x)) != x: %x vs %x (%v)", back, septets, err)
		}
	})
}

func BenchmarkSegments(b *testing.B) {
	text := strings.Repeat(urdu+" ", 3)
	b.ReportAllocs()
	for b.Loop() {
		Segments(text)
	}
}
