package main

import "fmt"

type Logger struct {
	prefix string
	lines  []string
}

func (l *Logger) Log(format string, args ...any) {
	l.lines = append(l.lines, l.prefix+fmt.Sprintf(format, args...))
}

type Service struct {
	*Logger
	Name    string
	storage Storage
}

func NewService(name string) *Service {
	return &Service{Logger: &Logger{prefix: "[" + name + "] "}, Name: name, storage: &memoryStorage{data: map[string]string{}}}
}

func (s *Service) Save(k, v string) {
	s.storage.Put(k, v)
	s.Log("saved %s", k)
}

type Storage interface {
	Put(k, v string)
	Get(k string) (string, bool)
}

type memoryStorage struct{ data map[string]string }

func (m *memoryStorage) Put(k, v string) { m.data[k] = v }
func (m *memoryStorage) Get(k string) (string, bool) {
	v, ok := m.data[k]
	return v, ok
}

func main() {
	s := NewService("users")
	s.Save("ada", "lovelace")
	s.Save("alan", "turing")
	v, ok := s.storage.Get("ada")
	s.Log("lookup ada: %s %v", v, ok)
	for _, l := range s.lines {
		fmt.Println(l)
	}
}
