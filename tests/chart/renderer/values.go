package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// parseValuesYaml reads YAML values the way Helm does: through JSON, so every
// number becomes a float64 (Helm's sigs.k8s.io/yaml behaves the same; this is
// why `{{ 1000000 }}`-style values print as 1e+06 in Helm, and why comparing a
// value with an int literal in a template fails there and here alike).
func parseValuesYaml(raw []byte) (map[string]interface{}, error) {
	var v interface{}
	if err := yaml.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	if v == nil {
		return map[string]interface{}{}, nil
	}
	m, ok := jsonNormalize(v).(map[string]interface{})
	if !ok {
		return nil, fmt.Errorf("top level must be a map, got %T", v)
	}
	return m, nil
}

func jsonNormalize(v interface{}) interface{} {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out interface{}
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}

func buildValues(c *chart, o *options) (map[string]interface{}, error) {
	values := deepCopy(c.values).(map[string]interface{})
	for _, f := range o.valueFiles {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		overlay, err := parseValuesYaml(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		values = coalesce(values, overlay)
	}
	for _, s := range o.sets {
		if err := applySet(values, s, false); err != nil {
			return nil, fmt.Errorf("failed parsing --set data: %w", err)
		}
	}
	for _, s := range o.setStrings {
		if err := applySet(values, s, true); err != nil {
			return nil, fmt.Errorf("failed parsing --set-string data: %w", err)
		}
	}
	removeNulls(values)
	return values, nil
}

// coalesce merges overlay into base: maps merge recursively, anything else in
// the overlay replaces the base value. A null in the overlay deletes the key
// (removed after all layers are applied), as in Helm.
func coalesce(base, overlay map[string]interface{}) map[string]interface{} {
	for k, ov := range overlay {
		bm, bIsMap := base[k].(map[string]interface{})
		om, oIsMap := ov.(map[string]interface{})
		if bIsMap && oIsMap {
			base[k] = coalesce(bm, om)
			continue
		}
		base[k] = ov
	}
	return base
}

func removeNulls(m map[string]interface{}) {
	for k, v := range m {
		switch t := v.(type) {
		case nil:
			delete(m, k)
		case map[string]interface{}:
			removeNulls(t)
		}
	}
}

func deepCopy(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		m := make(map[string]interface{}, len(t))
		for k, x := range t {
			m[k] = deepCopy(x)
		}
		return m
	case []interface{}:
		l := make([]interface{}, len(t))
		for i, x := range t {
			l[i] = deepCopy(x)
		}
		return l
	default:
		return v
	}
}

// applySet applies one --set argument: "a.b=c,d[0].e=f,list={x,y}".
// Dots and commas can be escaped with a backslash.
func applySet(values map[string]interface{}, arg string, asString bool) error {
	for _, pair := range splitUnescaped(arg, ',', true) {
		if pair == "" {
			continue
		}
		key, raw, ok := cutUnescaped(pair, '=')
		if !ok {
			return fmt.Errorf("key %q has no value", pair)
		}
		var val interface{}
		if !asString && strings.HasPrefix(raw, "{") && strings.HasSuffix(raw, "}") {
			items := []interface{}{}
			for _, it := range splitUnescaped(raw[1:len(raw)-1], ',', false) {
				items = append(items, typedScalar(unescape(it), false))
			}
			val = items
		} else {
			val = typedScalar(unescape(raw), asString)
		}
		if err := setPath(values, splitUnescaped(key, '.', false), val); err != nil {
			return fmt.Errorf("key %q: %w", key, err)
		}
	}
	return nil
}

// typedScalar follows Helm's strvals: integers become int64, true/false
// booleans, null nil, everything else a string.
func typedScalar(s string, asString bool) interface{} {
	if asString {
		return s
	}
	switch s {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if len(s) > 1 && s[0] == '0' {
		return s // leading zero: Helm keeps it a string
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i
	}
	return s
}

func setPath(m map[string]interface{}, path []string, val interface{}) error {
	seg := unescape(path[0])
	name, idx, hasIdx, err := parseIndex(seg)
	if err != nil {
		return err
	}
	last := len(path) == 1
	if !hasIdx {
		if last {
			m[name] = val
			return nil
		}
		child, ok := m[name].(map[string]interface{})
		if !ok {
			child = map[string]interface{}{}
			m[name] = child
		}
		return setPath(child, path[1:], val)
	}
	list, _ := m[name].([]interface{})
	for len(list) <= idx {
		list = append(list, nil)
	}
	if last {
		list[idx] = val
	} else {
		child, ok := list[idx].(map[string]interface{})
		if !ok {
			child = map[string]interface{}{}
			list[idx] = child
		}
		if err := setPath(child, path[1:], val); err != nil {
			return err
		}
	}
	m[name] = list
	return nil
}

func parseIndex(seg string) (string, int, bool, error) {
	open := strings.Index(seg, "[")
	if open < 0 || !strings.HasSuffix(seg, "]") {
		return seg, 0, false, nil
	}
	n, err := strconv.Atoi(seg[open+1 : len(seg)-1])
	if err != nil || n < 0 {
		return "", 0, false, fmt.Errorf("bad list index in %q", seg)
	}
	if n > 65536 {
		return "", 0, false, fmt.Errorf("list index %d too large", n)
	}
	return seg[:open], n, true, nil
}

// splitUnescaped splits on sep unless it is backslash-escaped (or, with
// braces set, inside {...}). Escapes are kept for the caller to remove.
func splitUnescaped(s string, sep byte, braces bool) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\':
			i++
		case braces && s[i] == '{':
			depth++
		case braces && s[i] == '}' && depth > 0:
			depth--
		case s[i] == sep && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func cutUnescaped(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
