package obapi

import (
	"encoding/json"
	"io"
	"net/http"
)

// Imsx_CodeMinorField values (1EdTech, Open Badges 3.0 §B.3.6).
const (
	minorForbidden     = "forbidden"
	minorInternal      = "internal_server_error"
	minorInvalidData   = "invalid_data"
	minorInvalidQuery  = "invalid_query_parameter"
	minorNotAcceptable = "not_acceptable"
	minorNotAllowed    = "not_allowed"
	minorNotFound      = "not_found"
	minorServerBusy    = "server_busy"
	minorUnauthorized  = "unauthorizedrequest"
)

// StatusInfo is the Imsx_StatusInfo body of the API's error responses.
type StatusInfo struct {
	CodeMajor   string     `json:"imsx_codeMajor"`
	Severity    string     `json:"imsx_severity"`
	Description string     `json:"imsx_description,omitempty"`
	CodeMinor   *CodeMinor `json:"imsx_codeMinor,omitempty"`
}

// CodeMinor is an Imsx_CodeMinor.
type CodeMinor struct {
	Fields []CodeMinorField `json:"imsx_codeMinorField"`
}

// CodeMinorField is an Imsx_CodeMinorField.
type CodeMinorField struct {
	Name  string `json:"imsx_codeMinorFieldName"`
	Value string `json:"imsx_codeMinorFieldValue"`
}

// writeStatus answers with an Imsx_StatusInfo: failure, with severity
// status for not-found and error otherwise, as §B.3.6 pairs them.
func writeStatus(w http.ResponseWriter, status int, minor, description string) {
	severity := "error"
	if minor == minorNotFound {
		severity = "status"
	}
	body := StatusInfo{CodeMajor: "failure", Severity: severity, Description: description,
		CodeMinor: &CodeMinor{Fields: []CodeMinorField{{Name: "certlab", Value: minor}}}}
	writeJSON(w, status, "application/json", body)
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = jsonEncoder(w).Encode(v)
}

// writeJSONCached writes v with the Cache-Control the caller set.
func writeJSONCached(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = jsonEncoder(w).Encode(v)
}

func jsonEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc
}
