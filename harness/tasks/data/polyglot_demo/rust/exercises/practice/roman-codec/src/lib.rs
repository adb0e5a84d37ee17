#[derive(Debug, PartialEq, Eq)]
pub enum RomanError {
    OutOfRange(u32),
    InvalidNumeral(String),
}

pub fn to_roman(n: u32) -> Result<String, RomanError> {
    todo!("write {n} as a Roman numeral")
}

pub fn from_roman(s: &str) -> Result<u32, RomanError> {
    todo!("read the Roman numeral {s:?}")
}
