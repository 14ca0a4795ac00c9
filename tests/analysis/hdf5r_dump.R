# Prints what R's hdf5r (Debian r-cran-hdf5r) reads from an HDF5 file, with no project code,
# for test_analysis_interop.py to compare with h5py:
#   Rscript hdf5r_dump.R FILE DATASET...
# One tab-separated line per item:
#   attr    NAME VALUE                       root attributes
#   dataset NAME DIM,DIM,... N,N,...         dimension names (from the attached scales) and shape, HDF5 order
#   values  NAME V V ...                     the data in HDF5 (C) order
#   labels  DIM  L L ...                     the labels of each dimension scale met
#   runs    COLUMN V V ...                   the columns of a /runs group, if any
suppressPackageStartupMessages(library(hdf5r))

args <- commandArgs(trailingOnly = TRUE)
file <- H5File$new(args[1], mode = "r")

text <- function(x) {
  # numbers with every significant digit, so the comparison is exact
  if (is.numeric(x) || inherits(x, "integer64")) sprintf("%.17g", as.numeric(x)) else as.character(x)
}
emit <- function(...) cat(paste(c(...), collapse = "\t"), "\n", sep = "")

for (name in h5attr_names(file)) {
  value <- h5attr(file, name)
  if (length(value) == 1) emit("attr", name, gsub("\n", "\\\\n", text(value)))
}

scales <- list()
for (name in args[-1]) {
  ds <- file[[name]]
  # hdf5r reverses the axes (R is column-major): R dims are the HDF5 dims backwards, and
  # as.vector walks the last HDF5 axis fastest, which is HDF5's own (C) order
  shape <- rev(ds$dims)
  dims <- character(0)
  if (ds$attr_exists("DIMENSION_LIST")) {
    for (refs in ds$attr_open("DIMENSION_LIST")$read()) {
      scale <- refs$dereference(obj = file)[[1]]
      dim_name <- sub("^/", "", scale$get_obj_name())
      dims <- c(dims, dim_name)
      scales[[dim_name]] <- scale$read()
    }
  }
  emit("dataset", name, paste(dims, collapse = ","), paste(shape, collapse = ","))
  emit("values", name, text(as.vector(ds$read())))
}
for (dim_name in names(scales)) emit("labels", dim_name, text(scales[[dim_name]]))

if (file$exists("runs")) {
  runs <- file[["runs"]]
  for (column in runs$ls()$name) emit("runs", column, text(runs[[column]]$read()))
}
file$close_all()
