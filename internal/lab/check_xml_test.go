package lab

import (
	"strings"
	"testing"
)

const apimPolicy = `<?xml version="1.0" encoding="utf-8"?>
<!-- Orders API, all operations -->
<policies>
    <inbound>
        <base />
        <validate-jwt header-name="Authorization" failed-validation-httpcode="401" require-scheme="Bearer">
            <openid-config url="https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration" />
            <audiences>
                <audience>api://orders</audience>
            </audiences>
        </validate-jwt>
        <rate-limit-by-key calls="100" renewal-period="60" counter-key="@(context.Subscription.Id)" />
        <set-header name="X-Request-Source" exists-action="override">
            <value>apim</value>
        </set-header>
    </inbound>
    <backend>
        <base />
    </backend>
    <outbound>
        <base />
        <set-header name="X-Powered-By" exists-action="delete" />
        <set-header name="X-AspNet-Version" exists-action="delete" />
    </outbound>
    <on-error>
        <base />
    </on-error>
</policies>
`

func TestXMLCheck(t *testing.T) {
	policy := map[string]string{"policy.xml": apimPolicy}
	tests := []struct {
		name   string
		check  string
		files  map[string]string
		pass   bool
		detail string
	}{
		{"attribute equals", "type: xml\nfile: policy.xml\nmatch:\n  - {path: 'policies/inbound/rate-limit-by-key@calls', equals: '100'}\nfeedback: f", policy, true, "is 100"},
		{"attribute differs", "type: xml\nfile: policy.xml\nmatch:\n  - {path: 'policies/inbound/rate-limit-by-key@calls', equals: '10'}\nfeedback: f", policy, false, "rate-limit-by-key@calls is 100"},
		{"attribute after a slash", "type: xml\nfile: policy.xml\nmatch:\n  - {path: '/policies/inbound/rate-limit-by-key/@renewal-period', equals: '60'}\nfeedback: f", policy, true, "60"},
		{"missing attribute", "type: xml\nfile: policy.xml\nmatch:\n  - {path: 'policies/inbound/rate-limit-by-key@increment-condition'}\nfeedback: f", policy, false, "is not set"},
		{"text at any depth", "type: xml\nfile: policy.xml\nmatch:\n  - {path: '//audiences/audience', equals: 'api://orders'}\nfeedback: f", policy, true, "api://orders"},
		{"first child's name", "type: xml\nfile: policy.xml\nmatch:\n  - {path: 'policies/inbound/*[1]/name()', equals: base}\nfeedback: f", policy, true, "base"},
		{"second child's name", "type: xml\nfile: policy.xml\nmatch:\n  - {path: 'policies/inbound/*[2]/name()', equals: rate-limit-by-key}\nfeedback: f", policy, false, "validate-jwt"},
		{"attribute filter", "type: xml\nfile: policy.xml\nmatch:\n  - {path: 'policies/outbound/set-header[@name=X-Powered-By]@exists-action', equals: delete}\nfeedback: f", policy, true, "delete"},
		{"quoted attribute filter", "type: xml\nfile: policy.xml\nmatch:\n  - {path: \"policies/inbound/set-header[@name='X-Request-Source']/value\", equals: apim}\nfeedback: f", policy, true, "apim"},
		{"every header removed", "type: xml\nfile: policy.xml\nmatch:\n  - {path: 'policies/outbound/set-header@exists-action', equals: delete, all: true}\nfeedback: f", policy, true, "delete, delete"},
		{"count", "type: xml\nfile: policy.xml\nmatch:\n  - {path: '//base', count: 4}\nfeedback: f", policy, true, ""},
		{"count differs", "type: xml\nfile: policy.xml\nmatch:\n  - {path: 'policies/*/base', count: 5}\nfeedback: f", policy, false, "has 4 values, want 5"},
		{"absent", "type: xml\nfile: policy.xml\nmatch:\n  - {path: '//cors', absent: true}\nfeedback: f", policy, true, "is not set"},
		{"present though absent wanted", "type: xml\nfile: policy.xml\nmatch:\n  - {path: '//validate-jwt', absent: true}\nfeedback: f", policy, false, "is set"},
		{"attribute presence filter", "type: xml\nfile: policy.xml\nmatch:\n  - {path: 'policies/inbound/validate-jwt[@require-scheme]@header-name', equals: Authorization}\nfeedback: f", policy, true, "Authorization"},
		{"matches", "type: xml\nfile: policy.xml\nmatch:\n  - {path: '//openid-config@url', matches: '^https://login\\.microsoftonline\\.com/'}\nfeedback: f", policy, true, "https://login"},
		{"text with nested elements", "type: xml\nfile: a.xml\nmatch:\n  - {path: 'p', equals: 'one two three'}\nfeedback: f", map[string]string{"a.xml": "<p>one <b>two</b> three</p>"}, true, "one two three"},
		{"namespaces ignored", "type: xml\nfile: a.csproj\nmatch:\n  - {path: 'Project/PropertyGroup/TargetFramework', equals: net10.0}\n  - {path: 'x:Project/x:PropertyGroup/x:Nullable', equals: enable}\nfeedback: f",
			map[string]string{"a.csproj": `<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003"><PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup></Project>`}, true, "net10.0"},
		{"not well-formed", "type: xml\nfile: policy.xml\nmatch:\n  - {path: policies}\nfeedback: f", map[string]string{"policy.xml": strings.Replace(apimPolicy, "</backend>", "</backends>", 1)}, false, "line 19: element <backend> closed by </backends>"},
		{"unquoted attribute", "type: xml\nfile: policy.xml\nmatch:\n  - {path: policies}\nfeedback: f", map[string]string{"policy.xml": strings.Replace(apimPolicy, `calls="100"`, `calls=100`, 1)}, false, "line 12"},
		{"two roots", "type: xml\nfile: a.xml\nmatch:\n  - {path: a}\nfeedback: f", map[string]string{"a.xml": "<a/>\n<b/>"}, false, "line 2: a second root"},
		{"text outside the root", "type: xml\nfile: a.xml\nmatch:\n  - {path: a}\nfeedback: f", map[string]string{"a.xml": "<a/> trailing"}, false, "outside the root"},
		{"empty", "type: xml\nfile: a.xml\nmatch:\n  - {path: a}\nfeedback: f", map[string]string{"a.xml": "  "}, false, "no root element"},
		{"missing file", "type: xml\nfile: b.xml\nmatch:\n  - {path: a}\nfeedback: f", map[string]string{"a.xml": "<a/>"}, false, "cannot read b.xml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := testLab(t, one(tc.check), nil)
			got := verdict(t, l, workspace(t, tc.files, false))
			if got.Passed != tc.pass {
				t.Fatalf("passed %v, want %v: %s", got.Passed, tc.pass, got.Detail)
			}
			if !strings.Contains(got.Detail, tc.detail) {
				t.Fatalf("detail %q does not say %q", got.Detail, tc.detail)
			}
		})
	}
}

func TestXMLPath(t *testing.T) {
	doc, err := parseXMLDoc([]byte(`<r><a k="1"><b>x</b><b>y</b></a><a k="2"><b>z</b><c><b>w</b></c></a></r>`))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"r/a@k":           "1, 2",
		"r/a/b":           "x, y, z",
		"r/a/b[1]":        "x, z",
		"r/a[2]/b":        "z",
		"r/a[@k=2]//b":    "z, w",
		"//b":             "x, y, z, w",
		"//b[1]":          "x, z, w",
		"r//c/b":          "w",
		"r/*/*[2]/name()": "b, c",
		"r/a[@k=3]":       "",
		"r/a[@k][1]@k":    "1",
		"r/a[5]":          "",
	}
	for path, want := range cases {
		p, err := parseXMLPath(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got := preview(p.eval(doc)); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
}

func TestXMLLoadErrors(t *testing.T) {
	tests := []struct{ name, path, want string }{
		{"unclosed", "a/b[1", "unclosed ["},
		{"position 0", "a/b[0]", "positions count from 1"},
		{"bad predicate", "a/b[x=1]", "is not a position"},
		{"empty step", "a//", "no element name"},
		{"name() first", "name()", "name() comes last"},
		{"attribute not last", "a@b/c", "an attribute name comes last"},
		{"nothing", "", "path is missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := loadError(t, one("type: xml\nfile: a.xml\nmatch:\n  - {path: '"+tc.path+"'}\nfeedback: f"))
			if !strings.Contains(msg, tc.want) || !strings.Contains(msg, "content/l/lab.yaml:") {
				t.Fatalf("diagnostics:\n%s\nwant one with %q", msg, tc.want)
			}
		})
	}
}

// FuzzXML: any document and path parse or give an error, and evaluating a
// path on a document never panics.
func FuzzXML(f *testing.F) {
	f.Add(apimPolicy, "policies/inbound/rate-limit-by-key@calls")
	f.Add("<a><b k='1'>x<c/>y</b></a>", "//b[@k=1][1]/name()")
	f.Add("<?xml version='1.0'?><!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>", "a")
	f.Add("<a xmlns:p='u'><p:b p:c='1'/></a>", "a/p:b@p:c")
	f.Add("<a><![CDATA[<b>]]></a>", "*[1]")
	f.Fuzz(func(t *testing.T, src, path string) {
		doc, derr := parseXMLDoc([]byte(src))
		p, perr := parseXMLPath(path)
		if derr != nil || perr != nil {
			return
		}
		_ = p.eval(doc)
	})
}
