// Command ccell-go-assist is the Go kernel's editor helper: a small language server (completion
// and hover, over stdio) built only on the standard library's go/parser, go/types and go/importer.
//
// It keeps one document, the program the kernel renders from its memory and the cell being
// edited. Completion type-checks that program as well as its errors allow and offers, at the
// cursor, the members of a package (strings.To), the fields and methods of a value's type (p.),
// or the names in scope. A package name the program does not import yet is imported for the
// question, from the kernel's list of standard packages (the kernel imports it at run time too).
// Hover names the object under the cursor and the `go doc` argument that documents it.
//
// Packages of the notebook's modules are found through a module folder (a go.mod and go.sum) that a
// request may name (params "ccell": {"module": DIR}): their compiled export data comes from
// `go list -export -deps` run there, once per folder; the standard library's as go/importer finds it.
//
// SIGINT is ignored: the kernel's process group gets one when a cell is interrupted.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

type message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  any             `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type docParams struct {
	TextDocument struct {
		URI  string `json:"uri"`
		Text string `json:"text"`
	} `json:"textDocument"`
	ContentChanges []struct {
		Text string `json:"text"`
	} `json:"contentChanges"`
	Position position `json:"position"`
	Ccell    struct {
		Module string `json:"module"`
	} `json:"ccell"`
}

type item struct {
	Label    string `json:"label"`
	Kind     int    `json:"kind"`
	Detail   string `json:"detail,omitempty"`
	SortText string `json:"sortText,omitempty"`
}

// LSP CompletionItemKind values.
const (
	kindMethod    = 2
	kindFunction  = 3
	kindField     = 5
	kindVariable  = 6
	kindClass     = 7
	kindInterface = 8
	kindModule    = 9
	kindConstant  = 21
	kindStruct    = 22
)

type server struct {
	text     string
	packages map[string]string // package name -> import path, for names the program does not import
	imp      types.Importer
	module   string            // the module folder the importer finds packages through ("": none)
	exports  map[string]string // import path -> export data file, as go list found them there
	out      *bufio.Writer
}

// useModule makes the importer find packages through the module folder dir (a new importer, since
// the same path may be another package there).
func (s *server) useModule(dir string) {
	if dir == s.module {
		return
	}
	s.module = dir
	s.exports = map[string]string{}
	if dir == "" {
		s.imp = importer.ForCompiler(token.NewFileSet(), "gc", nil)
		return
	}
	s.imp = importer.ForCompiler(token.NewFileSet(), "gc", s.lookup)
}

// lookup opens the export data of path, listing it (and all it imports) in the module folder
// the first time.
func (s *server) lookup(path string) (io.ReadCloser, error) {
	if file, ok := s.exports[path]; ok && file != "" {
		return os.Open(file)
	}
	cmd := exec.Command("go", "list", "-e", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}", "--", path)
	cmd.Dir = s.module
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s: %v", path, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if p, file, ok := strings.Cut(line, "\t"); ok && file != "" {
			s.exports[p] = file
		}
	}
	if file := s.exports[path]; file != "" {
		return os.Open(file)
	}
	return nil, fmt.Errorf("no export data for %s", path)
}

func main() {
	signal.Ignore(os.Interrupt)
	s := &server{packages: map[string]string{}, imp: importer.ForCompiler(token.NewFileSet(), "gc", nil)}
	s.out = bufio.NewWriter(os.Stdout)
	in := bufio.NewReader(os.Stdin)
	for {
		msg, err := read(in)
		if err != nil {
			return // the kernel is gone
		}
		s.handle(msg)
	}
}

func read(in *bufio.Reader) (*message, error) {
	length := -1
	for {
		line, err := in.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimSpace(line)
		if line == "" {
			if length >= 0 {
				break
			}
			continue
		}
		if name, value, ok := strings.Cut(line, ":"); ok && strings.EqualFold(name, "Content-Length") {
			length, _ = strconv.Atoi(strings.TrimSpace(value))
		}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(in, body); err != nil {
		return nil, err
	}
	msg := &message{}
	if err := json.Unmarshal(body, msg); err != nil {
		return &message{}, nil // not ours to understand: skip it
	}
	return msg, nil
}

func (s *server) send(msg *message) {
	msg.JSONRPC = "2.0"
	body, err := json.Marshal(msg)
	if err != nil {
		return
	}
	fmt.Fprintf(s.out, "Content-Length: %d\r\n\r\n", len(body))
	s.out.Write(body)
	s.out.Flush()
}

func (s *server) handle(msg *message) {
	defer func() {
		if r := recover(); r != nil && msg.ID != nil { // a checker panic on odd input: answer nothing
			s.send(&message{ID: msg.ID, Result: nil})
		}
	}()
	var p docParams
	if msg.Params != nil {
		json.Unmarshal(msg.Params, &p)
	}
	switch msg.Method {
	case "initialize":
		var opts struct {
			InitializationOptions struct {
				Packages map[string]string `json:"packages"`
			} `json:"initializationOptions"`
		}
		json.Unmarshal(msg.Params, &opts)
		for name, path := range opts.InitializationOptions.Packages {
			s.packages[name] = path
		}
		s.send(&message{ID: msg.ID, Result: map[string]any{
			"capabilities": map[string]any{
				"textDocumentSync":   1,
				"completionProvider": map[string]any{"triggerCharacters": []string{"."}},
				"hoverProvider":      true,
			},
			"serverInfo": map[string]string{"name": "ccell-go-assist"},
		}})
	case "textDocument/didOpen":
		s.text = p.TextDocument.Text
	case "textDocument/didChange":
		if n := len(p.ContentChanges); n > 0 {
			s.text = p.ContentChanges[n-1].Text
		}
	case "textDocument/completion":
		s.useModule(p.Ccell.Module)
		s.send(&message{ID: msg.ID, Result: map[string]any{"isIncomplete": false, "items": s.complete(p.Position)}})
	case "textDocument/hover":
		s.useModule(p.Ccell.Module)
		s.send(&message{ID: msg.ID, Result: s.hover(p.Position)})
	case "shutdown":
		s.send(&message{ID: msg.ID, Result: nil})
	case "exit":
		os.Exit(0)
	default:
		if msg.ID != nil && msg.Method != "" {
			s.send(&message{ID: msg.ID, Error: &rpcError{-32601, "not supported: " + msg.Method}})
		}
	}
}

// offset turns an LSP position (UTF-16 columns) into a byte offset of text.
func offset(text string, pos position) int {
	at := 0
	for line := 0; line < pos.Line; line++ {
		next := strings.IndexByte(text[at:], '\n')
		if next < 0 {
			return len(text)
		}
		at += next + 1
	}
	units := 0
	for at < len(text) && text[at] != '\n' && units < pos.Character {
		r, size := utf8.DecodeRuneInString(text[at:])
		units += len(utf16.Encode([]rune{r}))
		at += size
	}
	return at
}

func isIdent(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// check parses and type-checks src as well as its errors allow.
func (s *server) check(src string) (*token.FileSet, *ast.File, *types.Package, *types.Info) {
	fset := token.NewFileSet()
	file, _ := parser.ParseFile(fset, "main.go", src, parser.AllErrors|parser.SkipObjectResolution)
	if file == nil {
		return fset, nil, nil, nil
	}
	info := &types.Info{
		Types:  map[ast.Expr]types.TypeAndValue{},
		Defs:   map[*ast.Ident]types.Object{},
		Uses:   map[*ast.Ident]types.Object{},
		Scopes: map[ast.Node]*types.Scope{},
	}
	conf := types.Config{Importer: s.imp, Error: func(error) {}, FakeImportC: true}
	pkg, _ := conf.Check("main", fset, []*ast.File{file}, info)
	return fset, file, pkg, info
}

// withImports adds an import for each name used as X in X.Y that the program neither declares nor
// imports and that names a standard package.
func (s *server) withImports(src string, file *ast.File, pkg *types.Package) string {
	if file == nil || pkg == nil {
		return src
	}
	imported := map[string]bool{}
	for _, spec := range file.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if spec.Name != nil {
			name = spec.Name.Name
		}
		imported[name] = true
	}
	var missing []string
	ast.Inspect(file, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && !imported[x.Name] {
				if path, ok := s.packages[x.Name]; ok && pkg.Scope().Lookup(x.Name) == nil {
					imported[x.Name] = true
					missing = append(missing, path)
				}
			}
		}
		return true
	})
	if len(missing) == 0 || file.Name == nil {
		return src
	}
	// After the package clause, on its own line: every offset after it moves by the same amount,
	// which the callers add back.
	at := int(file.Name.End()) - 1
	var b strings.Builder
	for _, path := range missing {
		b.WriteString("; import " + strconv.Quote(path))
	}
	return src[:at] + b.String() + src[at:]
}

// prepare gives the program to check for a question at byte offset at: a placeholder after a
// dangling "x." (so that it parses as a selector), the missing standard imports, and the shift
// of offsets these made.
func (s *server) prepare(at int) (string, int, string) {
	src := s.text
	if at > len(src) {
		at = len(src)
	}
	start := at
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(src[:start])
		if !isIdent(r) {
			break
		}
		start -= size
	}
	prefix := src[start:at]
	next, _ := utf8.DecodeRuneInString(src[at:])
	if prefix == "" && start > 0 && src[start-1] == '.' && (at == len(src) || !isIdent(next)) {
		src = src[:at] + "_" + src[at:]
	}
	_, file, pkg, _ := s.check(src)
	withImports := s.withImports(src, file, pkg)
	return withImports, len(withImports) - len(src), prefix
}

func (s *server) complete(pos position) []item {
	at := offset(s.text, pos)
	src, shift, prefix := s.prepare(at)
	fset, file, pkg, info := s.check(src)
	if file == nil || pkg == nil {
		return []item{}
	}
	tf := fset.File(file.Pos())
	cursor := tf.Pos(at + shift)
	qualifier := func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	}
	var found []item
	add := func(obj types.Object, sortKey string) {
		if obj == nil || !strings.HasPrefix(obj.Name(), prefix) || obj.Name() == "_" {
			return
		}
		found = append(found, describe(obj, qualifier, sortKey))
	}
	if sel := selectorAt(file, cursor); sel != nil {
		if x, ok := sel.X.(*ast.Ident); ok {
			if pkgName, ok := info.Uses[x].(*types.PkgName); ok {
				scope := pkgName.Imported().Scope()
				for _, name := range scope.Names() {
					if token.IsExported(name) {
						add(scope.Lookup(name), "1"+name)
					}
				}
				return sorted(found)
			}
		}
		if tv, ok := info.Types[sel.X]; ok && tv.Type != nil {
			for _, obj := range members(tv.Type, pkg) {
				add(obj, "1"+obj.Name())
			}
		}
		return sorted(found)
	}
	seen := map[string]bool{}
	for scope := pkg.Scope().Innermost(cursor); scope != nil; scope = scope.Parent() {
		for _, name := range scope.Names() {
			obj := scope.Lookup(name)
			local := scope != pkg.Scope() && scope != types.Universe
			if seen[name] || (local && obj.Pos() > cursor) {
				continue
			}
			seen[name] = true
			rank := "1"
			if scope == types.Universe {
				rank = "3"
			} else if scope == pkg.Scope() {
				rank = "2"
			}
			add(obj, rank+name)
		}
	}
	for name, path := range s.packages {
		if !seen[name] && strings.HasPrefix(name, prefix) {
			found = append(found, item{Label: name, Kind: kindModule, Detail: "package " + path, SortText: "4" + name})
		}
	}
	return sorted(found)
}

func sorted(items []item) []item {
	sort.Slice(items, func(i, j int) bool { return items[i].SortText < items[j].SortText })
	if items == nil {
		return []item{}
	}
	return items
}

// selectorAt is the selector expression whose selected name holds the cursor.
func selectorAt(file *ast.File, cursor token.Pos) *ast.SelectorExpr {
	var found *ast.SelectorExpr
	ast.Inspect(file, func(n ast.Node) bool {
		if n == nil || cursor < n.Pos() || cursor > n.End() {
			return n == nil || (cursor >= n.Pos() && cursor <= n.End())
		}
		if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel != nil && sel.Sel.Pos() <= cursor && cursor <= sel.Sel.End() {
			found = sel
		}
		return true
	})
	return found
}

// members are the fields and methods reachable from a value of type t (or *t).
func members(t types.Type, from *types.Package) []types.Object {
	var found []types.Object
	seen := map[string]bool{}
	keep := func(obj types.Object) {
		if !seen[obj.Name()] && (obj.Exported() || obj.Pkg() == from) {
			seen[obj.Name()] = true
			found = append(found, obj)
		}
	}
	base := t
	if p, ok := t.Underlying().(*types.Pointer); ok {
		base = p.Elem()
	}
	var fields func(types.Type, int)
	fields = func(t types.Type, depth int) {
		st, ok := t.Underlying().(*types.Struct)
		if !ok || depth > 4 {
			return
		}
		for i := 0; i < st.NumFields(); i++ {
			f := st.Field(i)
			keep(f)
			if f.Embedded() {
				inner := f.Type()
				if p, ok := inner.Underlying().(*types.Pointer); ok {
					inner = p.Elem()
				}
				fields(inner, depth+1)
			}
		}
	}
	fields(base, 0)
	methods := types.NewMethodSet(base)
	if _, isInterface := base.Underlying().(*types.Interface); !isInterface {
		methods = types.NewMethodSet(types.NewPointer(base))
	}
	for i := 0; i < methods.Len(); i++ {
		keep(methods.At(i).Obj())
	}
	return found
}

func describe(obj types.Object, q types.Qualifier, sortKey string) item {
	it := item{Label: obj.Name(), SortText: sortKey}
	switch o := obj.(type) {
	case *types.Func:
		sig, _ := o.Type().(*types.Signature)
		it.Kind = kindFunction
		if sig != nil && sig.Recv() != nil {
			it.Kind = kindMethod
		}
		it.Detail = "func " + o.Name() + strings.TrimPrefix(types.TypeString(o.Type(), q), "func")
	case *types.Var:
		it.Kind = kindVariable
		if o.IsField() {
			it.Kind = kindField
			it.Detail = o.Name() + " " + types.TypeString(o.Type(), q)
		} else {
			it.Detail = "var " + o.Name() + " " + types.TypeString(o.Type(), q)
		}
	case *types.Const:
		it.Kind = kindConstant
		it.Detail = "const " + o.Name() + " " + types.TypeString(o.Type(), q)
		if o.Val() != nil && len(o.Val().String()) < 40 {
			it.Detail += " = " + o.Val().String()
		}
	case *types.TypeName:
		it.Kind = kindClass
		switch o.Type().Underlying().(type) {
		case *types.Struct:
			it.Kind = kindStruct
			it.Detail = "type " + o.Name() + " struct"
		case *types.Interface:
			it.Kind = kindInterface
			it.Detail = "type " + o.Name() + " interface"
		default:
			it.Detail = "type " + o.Name() + " " + types.TypeString(o.Type().Underlying(), q)
		}
	case *types.PkgName:
		it.Kind = kindModule
		it.Detail = "package " + o.Imported().Path()
	case *types.Builtin:
		it.Kind = kindFunction
		it.Detail = "builtin " + o.Name()
	case *types.Nil:
		it.Kind = kindConstant
	}
	return it
}

// hover describes the object named at the cursor: its declaration, and (field "ccell") the
// argument of `go doc` that documents it, for objects of other packages.
func (s *server) hover(pos position) any {
	at := offset(s.text, pos)
	src, shift, _ := s.prepare(at)
	fset, file, pkg, info := s.check(src)
	if file == nil || pkg == nil {
		return nil
	}
	cursor := fset.File(file.Pos()).Pos(at + shift)
	var ident *ast.Ident
	ast.Inspect(file, func(n ast.Node) bool {
		if n == nil || cursor < n.Pos() || cursor > n.End() {
			return false
		}
		if id, ok := n.(*ast.Ident); ok {
			ident = id
		}
		return true
	})
	if ident == nil {
		return nil
	}
	obj := info.Uses[ident]
	if obj == nil {
		obj = info.Defs[ident]
	}
	if obj == nil {
		return nil
	}
	q := func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	}
	text := types.ObjectString(obj, q)
	if it := describe(obj, q, ""); it.Detail != "" && obj.Pkg() != pkg {
		text = it.Detail
	}
	result := map[string]any{"contents": map[string]string{"kind": "markdown", "value": "```go\n" + text + "\n```"}}
	if symbol := docSymbol(obj, pkg); symbol != "" {
		result["ccell"] = map[string]string{"doc": symbol}
	}
	return result
}

// docSymbol is what `go doc` takes for obj (strings.ToUpper, strings.Builder.WriteString), or "".
func docSymbol(obj types.Object, main *types.Package) string {
	if pkgName, ok := obj.(*types.PkgName); ok {
		return pkgName.Imported().Path()
	}
	if obj.Pkg() == nil || obj.Pkg() == main {
		return ""
	}
	path := obj.Pkg().Path()
	if fn, ok := obj.(*types.Func); ok {
		if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
			recv := sig.Recv().Type()
			if p, ok := recv.(*types.Pointer); ok {
				recv = p.Elem()
			}
			if named, ok := recv.(*types.Named); ok {
				return path + "." + named.Obj().Name() + "." + fn.Name()
			}
			return ""
		}
	}
	if v, ok := obj.(*types.Var); ok && v.IsField() {
		return "" // go doc cannot name a field without its type
	}
	if obj.Parent() != obj.Pkg().Scope() {
		return ""
	}
	return path + "." + obj.Name()
}
