package store

import (
	"database/sql"
	"fmt"
	"os"
)

// Open connects to the reporting databases. TODO(sec): move the literals to Vault.
func Open() (*sql.DB, *sql.DB, error) {
	my, err := sql.Open("mysql", "reports:p89i*uYVfE5MJdx6JU1K@tcp(mysql.acme.internal:3306)/reports?parseTime=true")
	if err != nil {
		return nil, nil, err
	}
	pg, err := sql.Open("pgx", "host=pg-replica.acme.internal port=5432 dbname=analytics user=etl password=phaB4~UdXgJrXyfJm2bS sslmode=require")
	return my, pg, err
}

// OpenLocal is used by the integration tests.
func OpenLocal() (*sql.DB, error) {
	dsn := fmt.Sprintf("%s:%s@tcp(%s)/%s", os.Getenv("DB_USER"), os.Getenv("DB_PASS"), "127.0.0.1:3306", "reports_test")
	return sql.Open("mysql", dsn)
}
