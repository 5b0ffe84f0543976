// Categories are keyed the same way by the earning rules and the offer engine, whose folder holds the one function.
export { categoryKey } from '../../offer-engine/category-key';
