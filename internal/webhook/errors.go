package webhook

import (
	"errors"

	"github.com/curatore/curatore/internal/apperr"
)

// ignoreNotFound turns NotFound into nil: a delivery whose endpoint is gone
// has nothing left to do.
func ignoreNotFound(err error) error {
	if errors.Is(err, apperr.NotFound) {
		return nil
	}
	return err
}
