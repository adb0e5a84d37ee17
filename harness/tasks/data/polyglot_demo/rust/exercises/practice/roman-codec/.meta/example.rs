#[derive(Debug, PartialEq, Eq)]
pub enum RomanError {
    OutOfRange(u32),
    InvalidNumeral(String),
}

const LETTERS: [(u32, &str); 13] = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
];

pub fn to_roman(n: u32) -> Result<String, RomanError> {
    if !(1..=3999).contains(&n) {
        return Err(RomanError::OutOfRange(n));
    }
    let mut rest = n;
    let mut numeral = String::new();
    for &(value, letters) in LETTERS.iter() {
        while rest >= value {
            numeral.push_str(letters);
            rest -= value;
        }
    }
    Ok(numeral)
}

fn letter_value(c: char) -> Option<u32> {
    LETTERS
        .iter()
        .find(|(_, letters)| letters.len() == 1 && letters.starts_with(c))
        .map(|&(value, _)| value)
}

pub fn from_roman(s: &str) -> Result<u32, RomanError> {
    let invalid = || RomanError::InvalidNumeral(s.to_string());
    let values: Vec<u32> = s.chars().map(letter_value).collect::<Option<_>>().ok_or_else(invalid)?;
    let mut total = 0;
    for (i, &value) in values.iter().enumerate() {
        match values.get(i + 1) {
            Some(&next) if next > value => total -= value as i64,
            _ => total += value as i64,
        }
    }
    // Summing accepts non-standard spellings, so only a numeral that round-trips is standard.
    let n = u32::try_from(total).map_err(|_| invalid())?;
    match to_roman(n) {
        Ok(standard) if standard == s => Ok(n),
        _ => Err(invalid()),
    }
}
