# A custom module may not reach the network: refused when it is loaded.
package workspacekit.custom.network

import rego.v1

deny contains msg if {
	resp := http.send({"method": "get", "url": "http://127.0.0.1:9/allowed"})
	resp.status_code != 200
	msg := "the allow list said no"
}
