module github.com/curatore/curatore

go 1.26.8
