package verify_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/dialnexa/account/server/verify"
)

// A service protects its endpoints with a Checker's Middleware: a request
// with a live session reaches the handler with the session in its
// context; any other is answered 401 with the account server's error JSON.
func Example() {
	account := startAccountServer() // the account server, and a user signed in to it
	defer account.Close()

	checker, err := verify.New(context.Background(), verify.Config{Server: account.URL, ServiceToken: account.ServiceToken})
	if err != nil {
		log.Fatal(err)
	}
	defer checker.Close()
	wallet := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := verify.FromContext(r.Context())
		fmt.Fprintf(w, "the wallet of %s", s.Email)
	})
	service := httptest.NewServer(checker.Middleware(wallet))
	defer service.Close()

	for _, token := range []string{account.UserToken, "a-forged-token"} {
		req, _ := http.NewRequest("GET", service.URL, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	// Output:
	// 200
	// 401
}
