package main

import (
	"os"
	"strings"
	"text/template"
)

var report = template.Must(template.New("report").Funcs(funcs).Parse(reportText))

var funcs = template.FuncMap{"upper": strings.ToUpper, "total": total}

const reportText = `Report for {{.Team | upper}}
{{range $i, $m := .Members}}{{$i}}. {{$m.Name}} - {{len $m.Tasks}} tasks{{if $m.Lead}} (lead){{end}}
{{end}}Total tasks: {{total .Members}}
`

type Team struct {
	Team    string
	Members []Member
}

type Member struct {
	Name  string
	Lead  bool
	Tasks []string
}

func total(ms []Member) int {
	n := 0
	for _, m := range ms {
		n += len(m.Tasks)
	}
	return n
}

func main() {
	t := Team{Team: "platform", Members: []Member{
		{"Ana", true, []string{"plan", "review"}},
		{"Ben", false, []string{"build"}},
		{"Cleo", false, nil},
	}}
	if err := report.Execute(os.Stdout, t); err != nil {
		panic(err)
	}
}
