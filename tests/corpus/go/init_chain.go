package main

import "fmt"

var config = defaultConfig()

func init() {
	log("init 1: config has %d keys", len(config))
	config["mode"] = detectMode()
}

func init() {
	log("init 2: mode is %s", config["mode"])
}

func defaultConfig() map[string]string {
	log("building default config")
	return map[string]string{"name": "app", "version": version}
}

const version = "1.4"

func detectMode() string { return "production" }

var messages []string

func log(format string, args ...any) {
	messages = append(messages, fmt.Sprintf(format, args...))
}

func main() {
	for i, m := range messages {
		fmt.Println(i, m)
	}
	fmt.Println(config["name"], config["version"], config["mode"])
}
