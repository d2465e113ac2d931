//! Parquet beside every CSV table of an output folder (feature `parquet`).
//!
//! Each `NAME.csv` that an output folder holds gets a `NAME.parquet` with the same rows and
//! columns, typed: a column whose every non-empty cell is an integer is Int64, one whose every
//! non-empty cell is a number is Float64, any other Utf8; empty cells are nulls (a column with no
//! value at all, such as the ensemble band of a one-member run, is Float64 of nulls). Snappy
//! compression. A CSV that already has its Parquet (a cohort's `outcomes.parquet`, typed by the
//! cohort itself) is left as it is. Without the feature, the files pass through unchanged.

/// `files` plus a Parquet table beside every CSV that has none (feature `parquet`).
pub fn with_parquet<N: AsRef<str>>(files: Vec<(N, Vec<u8>)>) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    #[cfg_attr(not(feature = "parquet"), allow(unused_mut))]
    let mut out: Vec<(String, Vec<u8>)> = files.into_iter().map(|(n, b)| (n.as_ref().to_string(), b)).collect();
    #[cfg(feature = "parquet")]
    {
        let names: std::collections::HashSet<String> = out.iter().map(|(n, _)| n.clone()).collect();
        let mut extra = Vec::new();
        for (name, bytes) in &out {
            if let Some(stem) = name.strip_suffix(".csv") {
                let target = format!("{stem}.parquet");
                if !names.contains(&target) {
                    let table = parquet_table::from_csv(bytes).map_err(|e| e.context(format!("writing {target}")))?;
                    extra.push((target, table));
                }
            }
        }
        out.extend(extra);
    }
    Ok(out)
}

#[cfg(feature = "parquet")]
pub mod parquet_table {
    use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;
    use std::sync::Arc;

    /// The column type that holds every non-empty cell of a column.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Kind {
        Int,
        Float,
        Text,
    }

    /// Int if every non-empty cell is an integer, Float if every one is a number, else Text; a
    /// column with no value at all is Float (the band of a one-member ensemble).
    fn kind_of<'a>(cells: impl Iterator<Item = &'a str>) -> Kind {
        let mut kind = None;
        for c in cells.filter(|c| !c.is_empty()) {
            let k = if c.parse::<i64>().is_ok() {
                Kind::Int
            } else if c.parse::<f64>().is_ok() {
                Kind::Float
            } else {
                return Kind::Text;
            };
            kind = Some(if kind.is_none_or(|was| was == Kind::Int) { k } else { Kind::Float });
        }
        kind.unwrap_or(Kind::Float)
    }

    /// The Parquet bytes of one CSV table (header row, then records).
    pub fn from_csv(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
        let header: Vec<String> = reader.headers()?.iter().map(str::to_string).collect();
        let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
        let mut fields = Vec::with_capacity(header.len());
        let mut cols: Vec<ArrayRef> = Vec::with_capacity(header.len());
        for (j, name) in header.iter().enumerate() {
            let cells: Vec<&str> = rows.iter().map(|r| r.get(j).unwrap_or("").trim()).collect();
            let kind = kind_of(cells.iter().copied());
            let (dt, col): (DataType, ArrayRef) = match kind {
                Kind::Int => (DataType::Int64, Arc::new(Int64Array::from_iter(cells.iter().map(|c| c.parse().ok())))),
                Kind::Float => {
                    (DataType::Float64, Arc::new(Float64Array::from_iter(cells.iter().map(|c| c.parse().ok()))))
                }
                Kind::Text => (
                    DataType::Utf8,
                    Arc::new(StringArray::from_iter(cells.iter().map(|c| (!c.is_empty()).then_some(*c)))),
                ),
            };
            fields.push(Field::new(name, dt, true));
            cols.push(col);
        }
        write(fields, cols)
    }

    /// The snappy-compressed Parquet bytes of one record batch of `fields` and `cols`.
    pub fn write(fields: Vec<Field>, cols: Vec<ArrayRef>) -> anyhow::Result<Vec<u8>> {
        let schema = Arc::new(Schema::new(fields));
        let batch = RecordBatch::try_new(schema.clone(), cols)?;
        let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
        let mut buf = Vec::new();
        let mut w = ArrowWriter::try_new(&mut buf, schema, Some(props))?;
        w.write(&batch)?;
        w.close()?;
        Ok(buf)
    }
}

#[cfg(all(test, feature = "parquet"))]
mod tests {
    use super::*;
    use arrow_array::{Array, Float64Array, Int64Array, StringArray};
    use arrow_schema::DataType;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    fn read_back(bytes: Vec<u8>) -> arrow_array::RecordBatch {
        let mut f = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut f, &bytes).unwrap();
        let mut r = ParquetRecordBatchReaderBuilder::try_new(f).unwrap().build().unwrap();
        r.next().unwrap().unwrap()
    }

    #[test]
    fn every_csv_gets_a_typed_parquet_and_an_existing_one_is_kept() {
        let csv = "session,value,band,label\n1,0.5,,\"a, quoted\"\n2,-3,,b\n,1e-3,,\n";
        let files = vec![
            ("t.csv", csv.as_bytes().to_vec()),
            ("sub/u.csv", b"x\nnot a number\n".to_vec()),
            ("k.csv", b"x\n1\n".to_vec()),
            ("k.parquet", b"kept".to_vec()),
            ("r.html", b"<p>".to_vec()),
        ];
        let out = with_parquet(files).unwrap();
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["t.csv", "sub/u.csv", "k.csv", "k.parquet", "r.html", "t.parquet", "sub/u.parquet"]);
        assert_eq!(out[3].1, b"kept", "a table that has its Parquet is left as it is");
        let t = read_back(out[5].1.clone());
        let types: Vec<DataType> = t.schema().fields().iter().map(|f| f.data_type().clone()).collect();
        assert_eq!(types, [DataType::Int64, DataType::Float64, DataType::Float64, DataType::Utf8]);
        assert_eq!(t.num_rows(), 3);
        let s = t.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
        assert_eq!((s.value(0), s.value(1), s.is_null(2)), (1, 2, true));
        let v = t.column(1).as_any().downcast_ref::<Float64Array>().unwrap();
        assert_eq!((v.value(0), v.value(1), v.value(2)), (0.5, -3.0, 1e-3));
        assert_eq!(t.column(2).null_count(), 3, "an empty column is numbers, all null");
        let l = t.column(3).as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!((l.value(0), l.value(1), l.is_null(2)), ("a, quoted", "b", true));
        let u = read_back(out[6].1.clone());
        assert_eq!(u.schema().field(0).data_type(), &DataType::Utf8);
    }

    #[test]
    fn a_ragged_csv_is_an_error_naming_the_table() {
        let e = with_parquet(vec![("bad.csv", b"a,b\n1\n".to_vec())]).unwrap_err();
        assert!(format!("{e:#}").contains("bad.parquet"), "{e:#}");
    }
}
