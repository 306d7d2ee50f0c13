//! Seeded consumers' identities: Chinese names, mainland mobile numbers and resident
//! identity numbers with a valid MOD 11-2 check character.

use gateway_core::identity::check_character;
use rand::Rng;

/// Six-digit administrative division codes of real districts (Beijing Dongcheng,
/// Shanghai Huangpu, Guangzhou Tianhe, Shenzhen Nanshan, Hangzhou Xihu, Chengdu
/// Wuhou, Nanjing Xuanwu, Wuhan Jiang'an, Tianjin Heping, Chongqing Yuzhong, Xi'an
/// Yanta, Suzhou Gusu).
const REGIONS: &[&str] = &[
    "110101", "310101", "440106", "440305", "330106", "510107", "320102", "420102", "120101", "500103", "610113",
    "320508",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗",
];

const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞",
    "平", "刚", "英", "华", "玉", "兰", "文", "辉", "建", "国", "晨", "怡", "欣", "宇", "浩", "婷", "雪", "琳", "子",
    "涵", "然",
];

/// A resident identity number of an adult born 1960–2005: region, birth date, a
/// three-digit sequence and the check character.
pub fn id_number(rng: &mut impl Rng) -> String {
    let region = REGIONS[rng.random_range(0..REGIONS.len())];
    let year = rng.random_range(1960..=2005);
    let month = rng.random_range(1..=12);
    let day = rng.random_range(1..=28);
    let sequence = rng.random_range(0..1000);
    let first17 = format!("{region}{year:04}{month:02}{day:02}{sequence:03}");
    let check = check_character(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

pub fn real_name(rng: &mut impl Rng) -> String {
    let mut name = SURNAMES[rng.random_range(0..SURNAMES.len())].to_string();
    for _ in 0..rng.random_range(1..=2) {
        name.push_str(GIVEN[rng.random_range(0..GIVEN.len())]);
    }
    name
}

/// An 11-digit mobile number starting 13–19.
pub fn phone(rng: &mut impl Rng) -> String {
    format!("1{}{:09}", rng.random_range(3..=9), rng.random_range(0..1_000_000_000u32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gateway_core::identity::{IdNumber, Phone, RealName};
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn generated_identity_numbers_parse_with_a_valid_check_character() {
        let mut rng = StdRng::seed_from_u64(11);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        let mut checks = std::collections::HashSet::new();
        for _ in 0..20_000 {
            let number = id_number(&mut rng);
            assert_eq!(check_character(&number[..17]), number.chars().last(), "{number}");
            assert!(IdNumber::parse(&number, today).is_ok(), "{number}");
            checks.insert(number.chars().last());
        }
        assert_eq!(checks.len(), 11, "every check character, X included, occurs");
    }

    #[test]
    fn a_wrong_check_character_is_refused() {
        let mut rng = StdRng::seed_from_u64(12);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        let number = id_number(&mut rng);
        let wrong = if number.ends_with('1') { '2' } else { '1' };
        let tampered = format!("{}{wrong}", &number[..17]);
        assert!(IdNumber::parse(&tampered, today).is_err());
    }

    #[test]
    fn names_and_phones_pass_the_identity_rules() {
        let mut rng = StdRng::seed_from_u64(13);
        for _ in 0..1_000 {
            let name = real_name(&mut rng);
            assert!(RealName::parse(&name).is_ok(), "{name}");
            let number = phone(&mut rng);
            assert!(Phone::parse(&number).is_ok(), "{number}");
        }
    }
}
