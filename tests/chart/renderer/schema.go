package main

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
)

// validateSchema checks values against a JSON Schema (draft-07 subset: type,
// properties, required, additionalProperties, items, minItems, maxItems,
// enum, const, minimum, maximum, exclusiveMinimum, exclusiveMaximum,
// minLength, maxLength, pattern, oneOf, anyOf, allOf, not, if/then/else,
// and local $ref to #/definitions or #/$defs). Unknown keywords are ignored.
// It returns one message per violation, each naming the value's path.
func validateSchema(schema map[string]interface{}, values map[string]interface{}) []string {
	v := &validator{root: schema}
	v.check(schema, values, "")
	sort.Strings(v.errs)
	return v.errs
}

type validator struct {
	root map[string]interface{}
	errs []string
}

func (v *validator) fail(path, format string, args ...interface{}) {
	if path == "" {
		path = "(root)"
	}
	v.errs = append(v.errs, fmt.Sprintf("%s: %s", path, fmt.Sprintf(format, args...)))
}

// valid reports whether value matches schema, without recording errors.
func (v *validator) valid(schema interface{}, value interface{}, path string) bool {
	sub := &validator{root: v.root}
	sub.check(schema, value, path)
	return len(sub.errs) == 0
}

func (v *validator) resolve(schema interface{}) (map[string]interface{}, bool) {
	s, ok := schema.(map[string]interface{})
	if !ok {
		return nil, false
	}
	for depth := 0; depth < 32; depth++ {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s, true
		}
		var target interface{} = v.root
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := target.(map[string]interface{})
			target = m[part]
		}
		next, ok := target.(map[string]interface{})
		if !ok || !strings.HasPrefix(ref, "#/") {
			v.fail("", "schema: cannot resolve $ref %q", ref)
			return nil, false
		}
		s = next
	}
	return s, true
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (v *validator) check(schemaAny interface{}, value interface{}, path string) {
	if b, ok := schemaAny.(bool); ok {
		if !b {
			v.fail(path, "no value is allowed here")
		}
		return
	}
	s, ok := v.resolve(schemaAny)
	if !ok {
		return
	}

	if t, ok := s["type"]; ok && !typeMatches(t, value) {
		v.fail(path, "invalid type: expected %s, given %s (%s)", typeList(t), jsonType(value), short(value))
		return
	}
	if e, ok := s["enum"].([]interface{}); ok {
		found := false
		for _, x := range e {
			if equal(x, value) {
				found = true
				break
			}
		}
		if !found {
			v.fail(path, "must be one of %s, given %s", short(e), short(value))
		}
	}
	if c, ok := s["const"]; ok && !equal(c, value) {
		v.fail(path, "must be %s, given %s", short(c), short(value))
	}

	switch val := value.(type) {
	case float64, int64, int:
		n := toFloat(val)
		if m, ok := num(s["minimum"]); ok && n < m {
			v.fail(path, "must be greater than or equal to %v, given %v", m, n)
		}
		if m, ok := num(s["maximum"]); ok && n > m {
			v.fail(path, "must be less than or equal to %v, given %v", m, n)
		}
		if m, ok := num(s["exclusiveMinimum"]); ok && n <= m {
			v.fail(path, "must be greater than %v, given %v", m, n)
		}
		if m, ok := num(s["exclusiveMaximum"]); ok && n >= m {
			v.fail(path, "must be less than %v, given %v", m, n)
		}
	case string:
		if m, ok := num(s["minLength"]); ok && float64(len([]rune(val))) < m {
			v.fail(path, "must be at least %v characters long", m)
		}
		if m, ok := num(s["maxLength"]); ok && float64(len([]rune(val))) > m {
			v.fail(path, "must be at most %v characters long", m)
		}
		if p, ok := s["pattern"].(string); ok {
			re, err := regexp.Compile(p)
			if err != nil {
				v.fail(path, "schema: bad pattern %q: %v", p, err)
			} else if !re.MatchString(val) {
				v.fail(path, "does not match pattern %q, given %q", p, val)
			}
		}
	case []interface{}:
		if m, ok := num(s["minItems"]); ok && float64(len(val)) < m {
			v.fail(path, "must have at least %v items", m)
		}
		if m, ok := num(s["maxItems"]); ok && float64(len(val)) > m {
			v.fail(path, "must have at most %v items", m)
		}
		if items, ok := s["items"]; ok {
			for i, x := range val {
				v.check(items, x, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	case map[string]interface{}:
		v.checkObject(s, val, path)
	}

	if all, ok := s["allOf"].([]interface{}); ok {
		for _, sub := range all {
			v.check(sub, value, path)
		}
	}
	if anyOf, ok := s["anyOf"].([]interface{}); ok {
		matched := false
		for _, sub := range anyOf {
			if v.valid(sub, value, path) {
				matched = true
				break
			}
		}
		if !matched {
			v.fail(path, "must match at least one of the allowed forms (anyOf), given %s", short(value))
		}
	}
	if oneOf, ok := s["oneOf"].([]interface{}); ok {
		n := 0
		for _, sub := range oneOf {
			if v.valid(sub, value, path) {
				n++
			}
		}
		if n != 1 {
			v.fail(path, "must match exactly one of the allowed forms (oneOf matched %d), given %s", n, short(value))
		}
	}
	if not, ok := s["not"]; ok && v.valid(not, value, path) {
		msg := "is not allowed"
		if d, ok := s["description"].(string); ok {
			msg = d
		}
		v.fail(path, "%s", msg)
	}
	if cond, ok := s["if"]; ok {
		if v.valid(cond, value, path) {
			if then, ok := s["then"]; ok {
				v.check(then, value, path)
			}
		} else if els, ok := s["else"]; ok {
			v.check(els, value, path)
		}
	}
}

func (v *validator) checkObject(s map[string]interface{}, obj map[string]interface{}, path string) {
	if req, ok := s["required"].([]interface{}); ok {
		for _, r := range req {
			if name, ok := r.(string); ok {
				if _, present := obj[name]; !present {
					v.fail(join(path, name), "is required")
				}
			}
		}
	}
	props, _ := s["properties"].(map[string]interface{})
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if ps, ok := props[k]; ok {
			v.check(ps, obj[k], join(path, k))
			continue
		}
		switch ap := s["additionalProperties"].(type) {
		case bool:
			if !ap {
				v.fail(join(path, k), "additional property %q is not allowed (known: %s)", k, strings.Join(sortedKeys(props), ", "))
			}
		case map[string]interface{}:
			v.check(ap, obj[k], join(path, k))
		}
	}
}

func sortedKeys(m map[string]interface{}) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func typeMatches(t interface{}, value interface{}) bool {
	switch tt := t.(type) {
	case string:
		return oneTypeMatches(tt, value)
	case []interface{}:
		for _, x := range tt {
			if s, ok := x.(string); ok && oneTypeMatches(s, value) {
				return true
			}
		}
	}
	return false
}

func oneTypeMatches(t string, value interface{}) bool {
	switch t {
	case "null":
		return value == nil
	case "boolean":
		_, ok := value.(bool)
		return ok
	case "string":
		_, ok := value.(string)
		return ok
	case "object":
		_, ok := value.(map[string]interface{})
		return ok
	case "array":
		_, ok := value.([]interface{})
		return ok
	case "number":
		switch value.(type) {
		case float64, int64, int:
			return true
		}
	case "integer":
		switch n := value.(type) {
		case int64, int:
			return true
		case float64:
			return n == math.Trunc(n)
		}
	}
	return false
}

func typeList(t interface{}) string {
	if l, ok := t.([]interface{}); ok {
		parts := make([]string, 0, len(l))
		for _, x := range l {
			parts = append(parts, fmt.Sprint(x))
		}
		return strings.Join(parts, " or ")
	}
	return fmt.Sprint(t)
}

func jsonType(value interface{}) string {
	switch n := value.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case map[string]interface{}:
		return "object"
	case []interface{}:
		return "array"
	case int64, int:
		return "integer"
	case float64:
		if n == math.Trunc(n) {
			return "integer"
		}
		return "number"
	}
	return fmt.Sprintf("%T", value)
}

func short(v interface{}) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(b)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

func num(v interface{}) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	}
	return 0, false
}

func toFloat(v interface{}) float64 {
	f, _ := num(v)
	return f
}

func equal(a, b interface{}) bool {
	if fa, ok := num(a); ok {
		fb, ok := num(b)
		return ok && fa == fb
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
