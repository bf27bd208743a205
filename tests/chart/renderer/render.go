package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"gopkg.in/yaml.v3"
)

// Release mirrors Helm's .Release.
type Release struct {
	Name      string
	Namespace string
	Service   string
	IsInstall bool
	IsUpgrade bool
	Revision  int
}

// KubeVersion mirrors Helm's .Capabilities.KubeVersion.
type KubeVersion struct {
	Version    string
	Major      string
	Minor      string
	GitVersion string
}

func (k KubeVersion) String() string { return k.Version }

// VersionSet mirrors Helm's .Capabilities.APIVersions.
type VersionSet []string

// Has reports whether "group/version" or "group/version/Kind" is available.
func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// Capabilities mirrors Helm's .Capabilities.
type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
	HelmVersion map[string]string
}

// TemplateInfo mirrors Helm's .Template.
type TemplateInfo struct {
	Name     string
	BasePath string
}

// Files gives templates read access to non-template chart files, like Helm's .Files.
type Files struct{ dir string }

// Get returns a chart file's content, or "" when it does not exist.
func (f Files) Get(name string) string {
	clean := filepath.Clean("/" + name)
	b, err := os.ReadFile(filepath.Join(f.dir, clean))
	if err != nil {
		return ""
	}
	return string(b)
}

// defaultAPIVersions is what `helm template` assumes without a cluster,
// plus the API versions of a typical 1.31 cluster.
var defaultAPIVersions = []string{
	"v1", "apps/v1", "batch/v1", "autoscaling/v1", "autoscaling/v2", "policy/v1",
	"networking.k8s.io/v1", "rbac.authorization.k8s.io/v1", "coordination.k8s.io/v1",
	"discovery.k8s.io/v1", "storage.k8s.io/v1", "apiextensions.k8s.io/v1",
	"admissionregistration.k8s.io/v1", "scheduling.k8s.io/v1", "events.k8s.io/v1",
}

func render(c *chart, values map[string]interface{}, o *options) (string, error) {
	major, minor := "1", "31"
	if parts := strings.SplitN(o.kubeVersion, ".", 3); len(parts) >= 2 {
		major, minor = parts[0], parts[1]
	}
	caps := Capabilities{
		KubeVersion: KubeVersion{Version: "v" + o.kubeVersion, Major: major, Minor: minor, GitVersion: "v" + o.kubeVersion},
		APIVersions: append(append(VersionSet{}, defaultAPIVersions...), o.apiVersions...),
		HelmVersion: map[string]string{"version": "v3.16.0"},
	}
	top := map[string]interface{}{
		"Values":       values,
		"Release":      Release{Name: o.releaseName, Namespace: o.namespace, Service: "Helm", IsInstall: true, Revision: 1},
		"Chart":        c.meta,
		"Capabilities": caps,
		"Files":        Files{dir: c.dir},
	}

	root := template.New("gotpl")
	root.Option("missingkey=zero")
	root.Funcs(funcMap(root))
	for _, tf := range c.templates {
		if _, err := root.New(tf.name).Parse(tf.content); err != nil {
			return "", cleanError(err)
		}
	}

	var out, notes strings.Builder
	for _, tf := range c.templates {
		if isPartial(tf.name) {
			continue
		}
		ctx := make(map[string]interface{}, len(top)+1)
		for k, v := range top {
			ctx[k] = v
		}
		ctx["Template"] = TemplateInfo{Name: tf.name, BasePath: c.meta.Name + "/templates"}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, tf.name, ctx); err != nil {
			return "", cleanError(err)
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if isNotes(tf.name) {
			notes.WriteString(text)
			continue
		}
		if !isManifest(tf.name) {
			continue
		}
		for _, doc := range splitDocs(text) {
			fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", tf.name, doc)
		}
	}
	if o.showNotes {
		fmt.Fprintf(&out, "\nNOTES:\n%s", notes.String())
	}
	return out.String(), nil
}

var docSep = regexp.MustCompile(`(?m)^---[ \t]*(#.*)?$`)

// splitDocs splits a rendered file into YAML documents and drops the ones
// that hold nothing but whitespace and comments.
func splitDocs(text string) []string {
	var docs []string
	for _, d := range docSep.Split(text, -1) {
		d = strings.TrimSpace(d)
		if hasContent(d) {
			docs = append(docs, d)
		}
	}
	return docs
}

func hasContent(doc string) bool {
	for _, line := range strings.Split(doc, "\n") {
		l := strings.TrimSpace(line)
		if l != "" && !strings.HasPrefix(l, "#") {
			return true
		}
	}
	return false
}

var execErr = regexp.MustCompile(`^(?:template: )?([^:\s]+:\d+:\d+): executing "[^"]*" at <.*?>: error calling \w+: `)

// cleanError turns text/template's error chain into Helm's form,
// "execution error at (file:line:col): message", naming the innermost
// location (the `fail`/`required` call itself).
func cleanError(err error) error {
	rest, loc := err.Error(), ""
	for {
		m := execErr.FindStringSubmatchIndex(rest)
		if m == nil {
			break
		}
		loc = rest[m[2]:m[3]]
		rest = rest[m[1]:]
	}
	if loc == "" {
		return err
	}
	return fmt.Errorf("execution error at (%s): %s", loc, rest)
}

func funcMap(root *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")

	includedNames := map[string]int{}
	f["include"] = func(name string, data interface{}) (string, error) {
		if includedNames[name] > 1000 {
			return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
		}
		includedNames[name]++
		defer func() { includedNames[name]-- }()
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", text, err)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %w", text, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	f["required"] = func(msg string, val interface{}) (interface{}, error) {
		if val == nil {
			return val, fmt.Errorf("%s", msg)
		}
		if s, ok := val.(string); ok && s == "" {
			return val, fmt.Errorf("%s", msg)
		}
		return val, nil
	}
	f["toYaml"] = func(v interface{}) string {
		s, err := marshalYaml(v)
		if err != nil {
			return ""
		}
		return s
	}
	f["mustToYaml"] = marshalYaml
	f["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		var v interface{}
		if err := yaml.Unmarshal([]byte(s), &v); err != nil {
			m["Error"] = err.Error()
			return m
		}
		if mm, ok := jsonNormalize(v).(map[string]interface{}); ok {
			return mm
		}
		return m
	}
	f["fromYamlArray"] = func(s string) []interface{} {
		var v interface{}
		if err := yaml.Unmarshal([]byte(s), &v); err != nil {
			return []interface{}{err.Error()}
		}
		l, _ := jsonNormalize(v).([]interface{})
		return l
	}
	f["toJson"] = func(v interface{}) string {
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(b)
	}
	f["mustToJson"] = func(v interface{}) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	}
	f["fromJson"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["fromJsonArray"] = func(s string) []interface{} {
		var l []interface{}
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			return []interface{}{err.Error()}
		}
		return l
	}
	// Without a cluster, lookup finds nothing (as in `helm template`).
	f["lookup"] = func(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	return f
}

// marshalYaml renders like Helm's toYaml (sigs.k8s.io/yaml): two-space
// indent, sorted keys, whole floats as integers, no trailing newline.
func marshalYaml(v interface{}) (string, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(wholeFloatsToInts(v)); err != nil {
		return "", err
	}
	_ = enc.Close()
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

func wholeFloatsToInts(v interface{}) interface{} {
	switch t := v.(type) {
	case float64:
		if t == float64(int64(t)) {
			return int64(t)
		}
		return t
	case map[string]interface{}:
		m := make(map[string]interface{}, len(t))
		for k, x := range t {
			m[k] = wholeFloatsToInts(x)
		}
		return m
	case []interface{}:
		l := make([]interface{}, len(t))
		for i, x := range t {
			l[i] = wholeFloatsToInts(x)
		}
		return l
	default:
		return v
	}
}
