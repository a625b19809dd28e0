"""The default offline answerer: sentences picked from the passages, led by the answer phrase."""
