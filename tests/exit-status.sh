# verify-image's exit status table (verify-image(1), EXIT STATUS), named once
# for the shell tests (sourced). Where veritysetup 2.6.1 has the case the
# value is veritysetup's.
EX_OK=0
EX_USAGE=1     # bad parameters or usage, wrong root hash, not a verity device
EX_CORRUPT=2   # a data, hash or padding block does not match
EX_NOMEM=3     # out of memory
EX_IO=4        # missing, unreadable, not a regular file or block device; I/O error
EX_SIG=6       # signature missing, malformed, untrusted or not matching
EX_NOT_FOUND=7 # partition, logical volume or file not in the image
export EX_OK EX_USAGE EX_CORRUPT EX_NOMEM EX_IO EX_SIG EX_NOT_FOUND
