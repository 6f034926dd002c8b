"""Digital signatures (pyHanko): signing the issued PDFs, checking the signatures of uploaded ones."""
