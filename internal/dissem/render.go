package dissem

import (
	"bytes"
	"context"
	"html"
	"html/template"
	"strings"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/store"
)

// infoFor picks the info block in the recipient's language, English otherwise.
func infoFor(a *cap.Alert, lang string) cap.Info {
	for _, in := range a.Infos {
		if in.Language == lang {
			return in
		}
	}
	for _, in := range a.Infos {
		if in.Language == "en" {
			return in
		}
	}
	return a.Infos[0]
}

// SMSText is what an SMS carries: the headline and what to do, in one language.
func SMSText(in cap.Info) string {
	parts := []string{strings.TrimSpace(in.Headline)}
	if s := strings.TrimSpace(in.Instruction); s != "" {
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n")
}

// plainText is the text part of an e-mail.
func plainText(in cap.Info) string {
	var b strings.Builder
	b.WriteString(in.Headline + "\n\n")
	if in.Event != "" {
		b.WriteString(in.Event + "\n")
	}
	var areas []string
	for _, ar := range in.Areas {
		areas = append(areas, ar.AreaDesc)
	}
	if len(areas) > 0 {
		b.WriteString(strings.Join(areas, "; ") + "\n")
	}
	b.WriteString("\n" + in.Description + "\n")
	if in.Instruction != "" {
		b.WriteString("\n" + in.Instruction + "\n")
	}
	b.WriteString("\n— " + in.SenderName + "\n")
	return b.String()
}

var emailHTML = template.Must(template.New("email").Parse(`<!doctype html>
<html lang="{{.Language}}" dir="{{if eq .Language "ur"}}rtl{{else}}ltr{{end}}"><head><meta charset="utf-8"><title>{{.Headline}}</title></head>
<body style="font-family: 'Noto Nastaliq Urdu', 'Noto Sans', Arial, sans-serif; line-height: 1.6">
<h1 style="color:#b3261e">{{.Headline}}</h1>
<p><strong>{{.Event}}</strong>{{range .Areas}} · {{.AreaDesc}}{{end}}</p>
<p>{{.Description}}</p>
{{if .Instruction}}<p style="background:#fff4e0;padding:.5em"><strong>{{.Instruction}}</strong></p>{{end}}
<p style="color:#5b6773">{{.SenderName}}</p>
{{if .Footer}}<p style="color:#5b6773;font-size:small">{{.Footer}} <a href="{{.Link}}">{{.Link}}</a></p>{{end}}
</body></html>
`))

// linkPlaceholder stands for a recipient's unsubscribe link in the HTML rendered once per
// language; the link replaces it per recipient.
const linkPlaceholder = "taawun-unsubscribe-link-placeholder"

// htmlText is the HTML part of an e-mail, right-to-left for Urdu; footer, when not empty, ends
// it with the words before the unsubscribe link and linkPlaceholder where the link goes.
func htmlText(in cap.Info, footer string) ([]byte, error) {
	var b bytes.Buffer
	data := struct {
		cap.Info
		Footer, Link string
	}{in, footer, linkPlaceholder}
	err := emailHTML.Execute(&b, data)
	return b.Bytes(), err
}

// renderCache makes the outbound messages of one CAP message, rendering the SMS and e-mail texts
// once per language rather than once per recipient.
type renderCache struct {
	alert *cap.Alert
	langs map[string]*rendering
	// links, when set, ends every e-mail with its recipient's unsubscribe link.
	links *UnsubscribeLinks
}

type rendering struct {
	info       cap.Info
	sms, plain []byte // plain is nil until an e-mail in this language is first built
	html       []byte
	htmlErr    error
}

func newRenderCache(a *cap.Alert, links *UnsubscribeLinks) *renderCache {
	return &renderCache{alert: a, langs: map[string]*rendering{}, links: links}
}

func (c *renderCache) lang(language string) *rendering {
	r, ok := c.langs[language]
	if !ok {
		in := infoFor(c.alert, language)
		r = &rendering{info: in, sms: []byte(SMSText(in))}
		c.langs[language] = r
	}
	return r
}

// build is build with the texts of SMS and e-mail taken from the cache; other channels are built
// as usual.
func (c *renderCache) build(ctx context.Context, rcp store.Recipient, n store.Notification) (dispatch.Message, error) {
	switch n.Channel {
	case store.ChannelSMS:
		r := c.lang(rcp.Language)
		m := dispatch.NewMessage(ctx, rcp.Phone, n.Key)
		m.Body, m.Language = r.sms, r.info.Language
		return m, nil
	case store.ChannelEmail:
		r := c.lang(rcp.Language)
		footer := ""
		if c.links != nil {
			footer = c.links.mailFooter(rcp.Language)
		}
		if r.plain == nil {
			r.plain = []byte(plainText(r.info))
			if footer != "" {
				r.plain = append(r.plain, "\n"+footer+" "+linkPlaceholder+"\n"...)
			}
			r.html, r.htmlErr = htmlText(r.info, footer)
		}
		if r.htmlErr != nil {
			return dispatch.Message{}, r.htmlErr
		}
		m := dispatch.NewMessage(ctx, rcp.Email, n.Key)
		m.Subject, m.Body, m.HTML, m.Language, m.ContentType = r.info.Headline, r.plain, r.html, r.info.Language, "text/plain"
		if c.links != nil {
			// The texts are shared by every reader of the language; only the link is theirs.
			m.Unsubscribe = c.links.URL(rcp.ID, store.ChannelEmail)
			m.Body = bytes.Replace(r.plain, []byte(linkPlaceholder), []byte(m.Unsubscribe), 1)
			m.HTML = bytes.Replace(r.html, []byte(linkPlaceholder), []byte(html.EscapeString(m.Unsubscribe)), 2)
		}
		return m, nil
	}
	return build(ctx, c.alert, rcp, n)
}
