package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
)

// isUnique goes by SQLite's error code, not by the message: an error that
// only says the words is no conflict, and a real UNIQUE or PRIMARY KEY
// violation is one, also when wrapped.
func TestIsUniqueGoesByErrorCodeNotText(t *testing.T) {
	if isUnique(errors.New("UNIQUE constraint failed: users.email")) {
		t.Fatal("an error that only carries the text counts as a conflict")
	}
	st, err := Open(filepath.Join(t.TempDir(), "t.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	violate := func(ddl, insert string) error {
		return st.Write(ctx, func(tx *sql.Tx) error {
			if _, err := tx.Exec(ddl); err != nil {
				return err
			}
			tx.Exec(insert)
			_, err := tx.Exec(insert)
			return fmt.Errorf("wrapped: %w", err)
		})
	}
	if err := violate(`CREATE TABLE u (v TEXT UNIQUE)`, `INSERT INTO u VALUES ('a')`); !isUnique(err) {
		t.Fatalf("UNIQUE violation not recognised: %v", err)
	}
	if err := violate(`CREATE TABLE k (id INTEGER PRIMARY KEY)`, `INSERT INTO k VALUES (1)`); !isUnique(err) {
		t.Fatalf("PRIMARY KEY violation not recognised: %v", err)
	}
	if err := violate(`CREATE TABLE n (v TEXT NOT NULL)`, `INSERT INTO n VALUES (NULL)`); isUnique(err) {
		t.Fatalf("NOT NULL violation taken for a conflict: %v", err)
	}
}

// A database without the migration table is at version 0; the answer
// comes from the schema, not from an error's text.
func TestSchemaVersionOfANewDatabaseIsZero(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "t.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, err := st.SchemaVersion(context.Background()); v != 0 || err != nil {
		t.Fatalf("SchemaVersion = %d, %v", v, err)
	}
}
